"""Fixtures of the analysis CLI tests: a digits-demo classifier trained for a few dozen steps
(enough to classify every class of its training images) and the tiny segmentor."""
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F
from analysis_cli_helpers import REPO_ROOT, load_tool

DIGITS_CONFIG = REPO_ROOT / 'configs' / 'digits_demo' / 'erm_wrn16-1_1xb64-20e_digits-style-shift.py'


@pytest.fixture(scope='session')
def digits_classifier(tmp_path_factory):
    """``config`` and ``checkpoint`` of a WRN-16-1 trained 30 Adam steps on the demo's source digits."""
    loading = load_tool('model_loading')
    root = tmp_path_factory.mktemp('digits_classifier')
    torch.manual_seed(0)
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    init_default_scope('mmseg')
    network = loading.trained_network(Config.fromfile(str(DIGITS_CONFIG)))
    initial = root / 'initial.pth'
    torch.save({'state_dict': network.state_dict()}, initial)
    loaded = loading.load_model(str(DIGITS_CONFIG), str(initial), 'erm')
    batches = loading.labelled_batches(loaded, 'train', 640, 64, 0, None)
    optimizer = torch.optim.Adam(loaded.model.parameters(), lr=3e-3)
    loaded.model.train()
    for _ in range(3):
        for images, labels in batches:
            optimizer.zero_grad()
            F.cross_entropy(loaded.model(images), labels).backward()
            optimizer.step()
    checkpoint = root / 'trained.pth'
    torch.save({'meta': {}, 'state_dict': loaded.model.wrapped.state_dict()}, checkpoint)
    return SimpleNamespace(config=str(DIGITS_CONFIG), checkpoint=str(checkpoint), initial=str(initial))


@pytest.fixture(scope='session')
def tiny_segmentor(tmp_path_factory):
    """``config`` and ``checkpoint`` (initial weights) of the tiny FCN of ``tests/tiny_experiment.py``."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from tiny_experiment import write_tiny_experiment
    loading = load_tool('model_loading')
    root = tmp_path_factory.mktemp('tiny_segmentor')
    config = write_tiny_experiment(root)
    init_default_scope('mmseg')
    torch.manual_seed(0)
    checkpoint = root / 'initial.pth'
    torch.save({'state_dict': loading.trained_network(Config.fromfile(str(config))).state_dict()}, checkpoint)
    return SimpleNamespace(config=str(config), checkpoint=str(checkpoint))


"""Every adversarial-training config (CIFAR-10 paper and anchor settings, Fashion-MNIST demo)
builds as named, and trains two iterations and tests (clean + PGD) on tiny fakes of the real files,
with the backbone shrunk and the attacks shortened so that it runs on a CPU in seconds."""
import math
from pathlib import Path

import pytest
from cls_fake_data import write_fake_cifar10
from fashion_mnist_fakes import write_split
from mmengine.config import Config
from mmengine.runner import Runner
from mmseg.registry import MODELS
from mmseg.utils import register_all_modules

import slim_mmseg.openmmlab  # noqa: F401

register_all_modules(init_default_scope=True)
CONFIGS = Path(__file__).resolve().parents[2] / 'configs'
AT_CONFIGS = sorted([*(CONFIGS / 'cifar10_at').glob('*.py'), *(CONFIGS / 'fashion_mnist_at').glob('*.py')])
OBJECTIVE_OF = {'pgd-at': 'PGDAT', 'awp-at': 'PGDAT', 'trades': 'TRADES', 'awp-trades': 'TRADES', 'mart': 'MART',
                'pgd-cs-at': 'PGDCS', 'natural': None}
# (lr, weight decay) of the paper-setting SGD: the AWP piecewise default, and the methods' own
# scripts where the paper says it follows them (MART train_resnet.py, TRADES train_trades_cifar10.py,
# AWP trades_AWP/train_trades_cifar.py).
PAPER_OPTIMIZER = {'mart': (0.01, 3.5e-3), 'trades': (0.1, 2e-4), 'awp-trades': (0.1, 5e-4)}
TINY_BACKBONES = {'CIFARResNet': (dict(blocks=(1, 1, 1, 1), base_width=4), 32),
                  'PreActResNet': (dict(blocks=(1, 1, 1, 1), base_width=4), 32),
                  'WideResNet': (dict(depth=10, widen_factor=1), 64),
                  'SmallConvNet': (dict(channels=(4, 8, 8)), 8)}


# The default run builds the paper-setting and demo configs and trains four of them (Fashion-MNIST
# TRADES + SLIM, PGD-CS + SLIM and natural; CIFAR-10 PreActResNet-18 AT-AWP with crop + flip); every
# other config builds and trains under -m slow (the WRN-34-10 builds alone take seconds: 46M parameters).
FAST_TRAIN = ('smallcnn_trades_slim', 'preactresnet18_awp-at_anchor', 'smallcnn_pgd-cs-at_slim', 'smallcnn_natural')


def method_of(path):
    return path.stem.split('_')[1]


def params(paths, fast):
    return [path if fast(path) else pytest.param(path, marks=pytest.mark.slow) for path in paths]


def test_every_method_has_paper_and_anchor_configs_with_and_without_slim():
    names = {p.stem for p in AT_CONFIGS}
    for method in ('pgd-at', 'trades', 'mart', 'awp-at', 'awp-trades'):
        assert {f'resnet18_{method}_paper', f'resnet18_{method}_paper_slim'} <= names
        assert sum(name.endswith(f'_{method}_anchor') for name in names) == 1
        assert sum(name.endswith(f'_{method}_anchor_slim') for name in names) == 1
    assert {f'smallcnn_{m}{s}' for m in ('pgd-at', 'trades', 'pgd-cs-at') for s in ('', '_slim')} <= names
    assert {'resnet18_pgd-cs-at_paper', 'resnet18_pgd-cs-at_paper_slim', 'resnet18_natural_paper',
            'smallcnn_natural'} <= names


@pytest.mark.parametrize('path', params(AT_CONFIGS, lambda p: '_anchor' not in p.stem), ids=lambda p: p.stem)
def test_config_builds_as_named(path):
    cfg = Config.fromfile(str(path))
    model = MODELS.build(cfg.model)
    optimizer = cfg.optim_wrapper.optimizer
    if method_of(path) == 'natural':  # the classifier alone, no attack
        assert type(model).__name__ == 'ImageClassifier'
        if '_paper' in path.stem:
            assert cfg.train_dataloader.batch_size == 64 and cfg.train_cfg.max_epochs == 200
            assert (optimizer.lr, optimizer.weight_decay) == (0.1, 5e-4)
        return
    assert type(model).__name__ == 'AdversarialTraining'
    assert type(model.objective).__name__ == OBJECTIVE_OF[method_of(path)]
    if method_of(path) == 'pgd-cs-at':
        assert model.objective.attack_uses_clean_feature == (
            'backbone.layer4' if '_paper' in path.stem else 'backbone.layer3')
        assert model.perturbation.random_start == 'uniform'
    assert (model.sampler is not None) == path.stem.endswith('_slim')
    assert (model.awp is not None) == method_of(path).startswith('awp')
    if '_paper' in path.stem:  # the SLIM paper's setting
        assert cfg.train_dataloader.batch_size == 64 and cfg.train_cfg.max_epochs == 200
        assert [t['type'] for t in cfg.train_dataloader.dataset.pipeline] == ['PackClsInputs']
        assert model.perturbation.eps == pytest.approx(8 / 255) and model.steps == 10
        if method_of(path) in ('pgd-at', 'awp-at', 'pgd-cs-at'):
            assert model.step_size == pytest.approx(1 / 255)
        assert (optimizer.lr, optimizer.weight_decay) == PAPER_OPTIMIZER.get(method_of(path), (0.1, 5e-4))
        assert optimizer.momentum == 0.9
    if path.parent.name == 'fashion_mnist_at':
        assert model.perturbation.eps == pytest.approx(0.1)


@pytest.fixture(scope='module')
def fake_data(tmp_path_factory):
    root = tmp_path_factory.mktemp('at_data')
    write_fake_cifar10(root / 'cifar-10-batches-py', per_batch=1)
    write_split(root / 'fashion-mnist', 'train', 4)
    write_split(root / 'fashion-mnist', 't10k', 3)
    return root


def shrink(cfg, data_root, tmp_path):
    classifier = cfg.model.model if cfg.model.type == 'AdversarialTraining' else cfg.model
    backbone, channels = TINY_BACKBONES[classifier.backbone.type]
    classifier.backbone.update(backbone)
    classifier.backbone.init_cfg = None
    classifier.in_channels = channels
    if 'attack' in cfg.model:
        cfg.model.attack.steps = 2
    cfg.test_cfg.attack.steps = 2
    if cfg.model.get('awp'):
        cfg.model.awp.warmup_epochs = 0  # exercise AWP in these two iterations
    cfg.work_dir = str(tmp_path / 'work')
    cfg.train_cfg.max_epochs = 1
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=-1)
    for loader in ('train_dataloader', 'test_dataloader'):
        cfg[loader].update(batch_size=2, num_workers=0, persistent_workers=False)
        cfg[loader].dataset.data_root = str(data_root)
    cfg.train_dataloader.dataset.indices = 4
    return Runner.from_cfg(cfg)


@pytest.mark.parametrize('path', params(AT_CONFIGS, lambda p: p.stem in FAST_TRAIN), ids=lambda p: p.stem)
def test_config_trains_two_iterations_and_tests(path, fake_data, tmp_path):
    cfg = Config.fromfile(str(path))
    folder = 'fashion-mnist' if path.parent.name == 'fashion_mnist_at' else 'cifar-10-batches-py'
    runner = shrink(cfg, fake_data / folder, tmp_path)
    runner.train()
    scalars = runner.message_hub.log_scalars
    assert runner.iter == 2
    assert math.isfinite(scalars['train/loss'].current())
    assert ('train/slim_lambda' in scalars) == path.stem.endswith('_slim')
    if method_of(path) == 'natural':
        assert 'train/adv_objective' not in scalars
    else:
        assert scalars['train/awp_active'].current() == float(method_of(path).startswith('awp'))
    metrics = runner.test()
    assert set(metrics) == {'clean/accuracy', 'pgd20/accuracy'}
    assert 0 <= metrics['pgd20/accuracy'] <= 100

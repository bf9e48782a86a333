"""The evidence protocol's configs (docs/evidence.md) say what their names say, build, and train two
iterations, validate and test on tiny fakes of Fashion-MNIST and Fashion-MNIST-C."""
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from fashion_mnist_fakes import write_split
from mmengine.config import Config
from mmengine.runner import Runner
from mmseg.registry import MODELS
from mmseg.utils import register_all_modules

import slim_mmseg.openmmlab  # noqa: F401

register_all_modules(init_default_scope=True)
ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = sorted(p for p in (ROOT / 'configs' / 'fashion_mnist_evidence').glob('*.py')
                  if not p.stem.startswith(('_', 'pilot')))
DG = sorted((ROOT / 'configs' / 'fashion_mnist_c').glob('*.py'))
RUN_SH = (ROOT / 'tools' / 'evidence' / 'run.sh').read_text()


def scale_of(path):
    return path.stem.rsplit('slim-', 1)[1] if 'slim-' in path.stem else None


@pytest.mark.parametrize('path', EVIDENCE + DG, ids=lambda p: p.stem)
def test_config_says_what_its_name_says_and_is_swept(path):
    cfg = Config.fromfile(str(path))
    if path.stem != 'wrn16_1_asa-slim':  # the base of the three scale rows (the term's default scale)
        assert f'/{path.stem}.py' in RUN_SH, f'{path.stem} is not in tools/evidence/run.sh'
    assert cfg.train_dataloader.dataset.type == 'FashionMNISTSplitDataset'
    assert cfg.train_dataloader.dataset.part == 'train'
    slim = cfg.model.get('slim')
    assert (slim.get('scale') if slim else None) == scale_of(path)
    if path.parent.name == 'fashion_mnist_c':
        assert cfg.default_hooks.checkpoint.save_best == 'source_val_mean/accuracy'
        assert cfg.val_dataloader.dataset.part == 'source_val'
        return
    assert cfg.model.get('attack', dict(eps=0.1))['eps'] == 0.1
    assert cfg.test_cfg.attack == dict(eps=0.1, steps=20, step_size=0.0125)
    if path.stem.startswith('long_'):
        assert cfg.train_cfg.max_epochs == 12 and cfg.default_hooks.checkpoint.save_best == 'pgd20/accuracy'
        assert cfg.val_dataloader.dataset.part == 'source_val'
    else:
        assert cfg.train_cfg.max_epochs == 4 and cfg.param_scheduler[0].T_max == 4
    if '_step' in path.stem:
        assert cfg.model.attack.step_size == float(path.stem.split('_step')[1])


@pytest.mark.parametrize('path', EVIDENCE + DG, ids=lambda p: p.stem)
def test_config_builds(path):
    model = MODELS.build(Config.fromfile(str(path)).model)
    if scale_of(path):
        sampler_owner = model.slim if path.parent.name == 'fashion_mnist_c' else model
        assert sampler_owner is not None


@pytest.fixture(scope='module')
def fake_data(tmp_path_factory):
    root = tmp_path_factory.mktemp('evidence_data')
    write_split(root / 'idx', 'train', 30)
    write_split(root / 'idx', 't10k', 3)
    sys.path.insert(0, str(ROOT / 'tools'))
    import make_fashion_mnist_c
    make_fashion_mnist_c.generate(str(root / 'idx'), str(root / 'c'), per_class=1,
                                  corruptions=('fog', 'contrast'), log=lambda _: None)
    return root


def shrink(cfg, root, tmp_path):
    classifier = cfg.model.get('model', cfg.model)
    if classifier.backbone.type == 'WideResNet':
        classifier.backbone.update(depth=10)
    cfg.work_dir = str(tmp_path / 'work')
    cfg.train_cfg.max_epochs = 1
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint.interval = 1
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(loader):
            cfg[loader].update(batch_size=2)
    for dataset in [cfg.train_dataloader.dataset, (cfg.get('val_dataloader') or {}).get('dataset')] + \
            list(cfg.test_dataloader.dataset.get('datasets', [cfg.test_dataloader.dataset])):
        if dataset is None:
            continue
        if dataset.type == 'FashionMNISTCDataset':
            dataset.update(data_root=str(root / 'c'), corruptions=['fog', 'contrast'])
        else:
            dataset.data_root = str(root / 'idx')
        if dataset.type == 'FashionMNISTSplitDataset':
            dataset.split_root = str(root / 'c')
            dataset.pop('num_samples', None)
    if cfg.get('val_cfg') and cfg.val_cfg.get('attack'):
        cfg.val_cfg.attack.steps = 2
    if cfg.test_cfg.get('attack'):
        cfg.test_cfg.attack.steps = 2
    if cfg.model.get('attack'):
        cfg.model.attack.steps = 2
    cfg.test_evaluator.pop('expected_corruptions', None)
    cfg.train_dataloader.dataset.num_samples = 4
    return Runner.from_cfg(cfg)


TRAINED = ('at_natural', 'at_pgd-at_slim-balanced', 'at_trades_slim-paper', 'long_pgd-at_slim-mean', 'wrn16_1_asa-slim-balanced')


@pytest.mark.parametrize('name', TRAINED)
def test_config_trains_validates_and_tests(name, fake_data, tmp_path):
    path = next(p for p in EVIDENCE + DG if p.stem == name)
    runner = shrink(Config.fromfile(str(path)), fake_data, tmp_path)
    runner.train()
    assert runner.iter == 2 and math.isfinite(runner.message_hub.log_scalars['train/loss'].current())
    metrics = runner.test()
    if name.startswith('wrn16'):
        assert {'clean/accuracy', 'corruption_mean/accuracy', 'fog/severity5/accuracy'} <= set(metrics)
        assert np.isfinite(metrics['corruption_mean/accuracy'])
    else:
        assert set(metrics) == {'clean/accuracy', 'pgd20/accuracy'}

"""Every classification config builds; one per setting and method trains 2 iterations and tests
on tiny fake datasets in the real layouts (PACS folders + split files, CIFAR-10 pickles,
CIFAR-10-C .npy files; the digits demo on its real data, subsampled)."""
import math
from pathlib import Path

import pytest
import torch
from cls_fake_data import write_fake_cifar10, write_fake_cifar10c, write_fake_pacs
from mmengine.config import Config
from mmengine.runner import Runner
from mmseg.registry import MODELS
from mmseg.utils import register_all_modules

import slim_mmseg.openmmlab  # noqa: F401

register_all_modules(init_default_scope=True)
CONFIGS = Path(__file__).resolve().parents[2] / 'configs'
CLS_CONFIGS = sorted(p for topic in ('pacs', 'cifar10c', 'digits_demo')
                     for p in (CONFIGS / topic).glob('*.py'))
METHODS = ('erm', 'advstyle', 'advstyle_slim')


def method_of(path):
    return next(m for m in reversed(METHODS) if path.stem.endswith(m))


def classifier_cfg(cfg):
    return cfg.model.model if cfg.model.type == 'SLIMAdvStyle' else cfg.model


def test_configs_cover_every_setting_and_method():
    names = {p.stem for p in CLS_CONFIGS}
    for domain in ('art_painting', 'cartoon', 'photo', 'sketch'):
        for setting in ('lodo', 'single'):
            assert {f'resnet18_{setting}_{domain}_{m}' for m in METHODS} <= names
    assert {f'wrn40_2_{m}' for m in METHODS} <= names
    assert {f'wrn16_1_{m}' for m in METHODS} <= names


@pytest.mark.parametrize('path', CLS_CONFIGS, ids=lambda p: p.stem)
def test_config_builds_the_right_method(path):
    cfg = Config.fromfile(str(path))
    method = method_of(path)
    assert cfg.model.type == ('ImageClassifier' if method == 'erm' else 'SLIMAdvStyle')
    if method != 'erm':
        assert cfg.model.model.type == 'ImageClassifier'
        assert (cfg.model.get('slim') is not None) == (method == 'advstyle_slim')
    classifier_cfg(cfg).backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    assert model.data_preprocessor is not None
    if 'pacs' in path.parts:  # no target domain in training or model selection
        test_domains = set(cfg.test_dataloader.dataset.domains)
        assert not test_domains & set(cfg.train_dataloader.dataset.domains)
        assert not test_domains & set(cfg.val_dataloader.dataset.domains)
        assert cfg.val_dataloader.dataset.split == 'crossval'
        assert cfg.test_dataloader.dataset.split == 'test'


def tiny_runner(cfg, tmp_path, train_samples=4):
    cfg.work_dir = str(tmp_path / 'work')
    classifier_cfg(cfg).backbone.init_cfg = None
    cfg.train_cfg.max_epochs = 1
    cfg.train_cfg.val_interval = 1
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=-1)  # no files to write
    for loader, batch_size in (('train_dataloader', 2), ('val_dataloader', 16),
                               ('test_dataloader', 16)):
        cfg[loader].update(batch_size=batch_size, num_workers=0, persistent_workers=False)
    cfg.train_dataloader.dataset.indices = train_samples
    cfg.val_dataloader.dataset.indices = 4
    return Runner.from_cfg(cfg)


def check_run(runner, method):
    runner.train()
    scalars = runner.message_hub.log_scalars
    assert runner.iter == 2
    assert math.isfinite(scalars['train/loss'].current())
    if method != 'erm':
        assert math.isfinite(scalars['train/adv.loss_cls'].current())
        assert ('train/slim_lambda' in scalars) == (method == 'advstyle_slim')
    return runner.test()


@pytest.fixture(scope='module')
def fake_data(tmp_path_factory):
    root = tmp_path_factory.mktemp('cls_data')
    write_fake_pacs(root / 'PACS', images_per_split=(4, 1), size=32)
    write_fake_cifar10(root / 'cifar-10-batches-py', per_batch=1)
    write_fake_cifar10c(root / 'CIFAR-10-C', per_severity=1)
    return root


# Every classification config trains two iterations and tests on tiny fakes of its real layout.
@pytest.mark.parametrize('name', sorted(p.stem for p in (CONFIGS / 'pacs').glob('*.py')))
def test_pacs_configs_train_and_test(name, fake_data, tmp_path):
    cfg = Config.fromfile(str(CONFIGS / 'pacs' / f'{name}.py'))
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = str(fake_data / 'PACS')
    # the same pipelines at 64 pixels instead of 224, to keep ResNet-18 cheap on a CPU
    cfg.train_dataloader.dataset.pipeline[1].size = 64
    cfg.val_dataloader.dataset.pipeline[1].scale = (64, 64)
    cfg.test_dataloader.dataset.pipeline[1].scale = (64, 64)
    metrics = check_run(tiny_runner(cfg, tmp_path), method_of(Path(name)))
    targets = cfg.test_dataloader.dataset.domains
    assert {f'{d}/accuracy' for d in targets} | {'target_mean/accuracy'} <= set(metrics)


@pytest.mark.parametrize('method', METHODS)
def test_cifar10c_configs_train_and_test(method, fake_data, tmp_path):
    cfg = Config.fromfile(str(CONFIGS / 'cifar10c' / f'wrn40_2_{method}.py'))
    for loader in ('train_dataloader', 'val_dataloader'):
        cfg[loader].dataset.data_root = str(fake_data / 'cifar-10-batches-py')
    clean, corrupted = cfg.test_dataloader.dataset.datasets
    clean.data_root = str(fake_data / 'cifar-10-batches-py')
    corrupted.data_root = str(fake_data / 'CIFAR-10-C')
    metrics = check_run(tiny_runner(cfg, tmp_path), method)
    assert {'clean/accuracy', 'corruption_mean/accuracy', 'severity5/accuracy',
            'jpeg_compression/severity3/accuracy'} <= set(metrics)


@pytest.mark.parametrize('method', METHODS)
def test_digits_demo_configs_train_and_test(method, tmp_path):
    cfg = Config.fromfile(str(CONFIGS / 'digits_demo' / f'wrn16_1_{method}.py'))
    torch.manual_seed(0)
    metrics = check_run(tiny_runner(cfg, tmp_path), method)
    assert {'source/accuracy', 'texture/accuracy', 'target_mean/accuracy'} <= set(metrics)

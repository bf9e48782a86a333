"""Every classification config builds the method its name says; one per setting and method trains 2
iterations and tests on tiny fake datasets in the real layouts (PACS folders + split files, CIFAR-10
pickles, CIFAR-10-C .npy files; the digits demo on its real data, subsampled).

Rows: ERM, pAdaIN, MixStyle, DSU, AdvStyle (ASA), ASA + SLIM, and AdvStyle-Zhong with and without
SLIM (the digits demo keeps its earlier names ``advstyle`` / ``advstyle_slim`` for the Zhong pair)."""
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
METHODS = ('erm', 'padain', 'mixstyle', 'dsu', 'asa', 'asa-slim', 'advstyle-zhong', 'advstyle-zhong-slim')
DIGITS_ZHONG = {'advstyle': 'advstyle-zhong', 'advstyle_slim': 'advstyle-zhong-slim'}
STYLE_TYPES = {'padain': 'pAdaIN', 'mixstyle': 'MixStyle', 'dsu': 'DSU', 'asa': 'ASA', 'asa-slim': 'ASA'}


def method_of(path):
    token = path.stem.rsplit('_', 1)[1]
    if path.stem.startswith('wrn16_1_'):
        token = DIGITS_ZHONG.get(path.stem[len('wrn16_1_'):], token)
    assert token in METHODS, path
    return token


def config_stem(prefix, method):
    if prefix == 'wrn16_1':
        method = {v: k for k, v in DIGITS_ZHONG.items()}.get(method, method)
    return f'{prefix}_{method}'


def classifier_cfg(cfg):
    return cfg.model.model if cfg.model.type in ('SLIMAdvStyle', 'StyleAugmented') else cfg.model


def test_configs_cover_every_setting_and_method():
    names = {p.stem for p in CLS_CONFIGS}
    for domain in ('art_painting', 'cartoon', 'photo', 'sketch'):
        for prefix in (f'resnet18_lodo_{domain}', f'resnet18_single_{domain}', f'resnet50_lodo_{domain}'):
            assert {config_stem(prefix, m) for m in METHODS} <= names
    assert {config_stem('wrn40_2', m) for m in METHODS} <= names
    assert {config_stem('wrn16_1', m) for m in METHODS} <= names
    assert {method_of(p) for p in CLS_CONFIGS} == set(METHODS)


def check_method(cfg, method):
    """``cfg.model`` is the wrapper, style module and SLIM-or-not that the row ``method`` names (also
    used by the DomainBed configs' tests)."""
    if method == 'erm':
        assert cfg.model.type == 'ImageClassifier'
    elif method.startswith('advstyle-zhong'):
        assert cfg.model.type == 'SLIMAdvStyle'
        assert (cfg.model.get('slim') is not None) == method.endswith('slim')
    else:
        assert cfg.model.type == 'StyleAugmented'
        assert cfg.model.augmentation.type == STYLE_TYPES[method]
        assert (cfg.model.get('slim') is not None) == method.endswith('slim')


@pytest.mark.parametrize('path', CLS_CONFIGS, ids=lambda p: p.stem)
def test_config_builds_the_right_method(path):
    cfg = Config.fromfile(str(path))
    check_method(cfg, method_of(path))
    if 'pacs' in path.parts and 'art_painting' not in path.stem:
        # the other domains' configs differ from art_painting's in their data only
        twin = Config.fromfile(str(path).replace(path.stem.split('_', 2)[2].rsplit('_', 1)[0], 'art_painting'))
        assert twin.model == cfg.model
    else:
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
    if method.startswith('advstyle-zhong'):
        assert math.isfinite(scalars['train/adv.loss_cls'].current())
    assert ('train/slim_lambda' in scalars) == method.endswith('slim')
    return runner.test()


@pytest.fixture(scope='module')
def fake_data(tmp_path_factory):
    root = tmp_path_factory.mktemp('cls_data')
    write_fake_pacs(root / 'PACS', images_per_split=(4, 1), size=32)
    write_fake_cifar10(root / 'cifar-10-batches-py', per_batch=1)
    write_fake_cifar10c(root / 'CIFAR-10-C', per_severity=1)
    return root


# Each method trains two iterations and tests on tiny fakes of the real layout in one PACS setting
# (R18 single-source, art_painting); every other PACS config, and the CIFAR-10-C and digits rows
# beyond one StyleAugmented and one other row, under -m slow (all of them: ~4.5 min on one core).
FAST_PACS = [config_stem('resnet18_single_art_painting', m) for m in METHODS]
SLOW_PACS = sorted(p.stem for p in (CONFIGS / 'pacs').glob('*.py') if p.stem not in FAST_PACS)


@pytest.mark.parametrize('name', FAST_PACS + [pytest.param(n, marks=pytest.mark.slow) for n in SLOW_PACS])
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


def fast_or_slow(methods, fast):
    return [m if m in fast else pytest.param(m, marks=pytest.mark.slow) for m in methods]


@pytest.mark.parametrize('method', fast_or_slow(METHODS, ('asa-slim', 'advstyle-zhong-slim')))
def test_cifar10c_configs_train_and_test(method, fake_data, tmp_path):
    cfg = Config.fromfile(str(CONFIGS / 'cifar10c' / f'{config_stem("wrn40_2", method)}.py'))
    for loader in ('train_dataloader', 'val_dataloader'):
        cfg[loader].dataset.data_root = str(fake_data / 'cifar-10-batches-py')
    clean, corrupted = cfg.test_dataloader.dataset.datasets
    clean.data_root = str(fake_data / 'cifar-10-batches-py')
    corrupted.data_root = str(fake_data / 'CIFAR-10-C')
    metrics = check_run(tiny_runner(cfg, tmp_path), method)
    assert {'clean/accuracy', 'corruption_mean/accuracy', 'severity5/accuracy',
            'jpeg_compression/severity3/accuracy'} <= set(metrics)


@pytest.mark.parametrize('method', fast_or_slow(METHODS, ('erm', 'asa-slim')))
def test_digits_demo_configs_train_and_test(method, tmp_path):
    cfg = Config.fromfile(str(CONFIGS / 'digits_demo' / f'{config_stem("wrn16_1", method)}.py'))
    torch.manual_seed(0)
    metrics = check_run(tiny_runner(cfg, tmp_path), method)
    assert {'source/accuracy', 'texture/accuracy', 'target_mean/accuracy'} <= set(metrics)

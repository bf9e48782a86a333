"""Every classification config builds the method its name says; one per setting and method trains 2
iterations and tests on tiny fake datasets in the real layouts (PACS folders + split files, CIFAR-10
pickles, CIFAR-10-C .npy files; the digits demo on its real data, subsampled).

Rows: ERM, pAdaIN, MixStyle, DSU, AdvStyle (ASA), ASA + SLIM, and AdvStyle-Zhong with and without
SLIM; a file is ``{method}_{model}_{schedule}_{data}.py``."""
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
STYLE_TYPES = {'padain': 'pAdaIN', 'mixstyle': 'MixStyle', 'dsu': 'DSU', 'asa': 'ASA', 'asa-slim': 'ASA'}


PACS_DOMAINS = ('art_painting', 'cartoon', 'photo', 'sketch')
CIFAR10C = {'augmix': '1xb128-100e_cifar10c', 'paper': '1xb64-120e_cifar10c'}
DIGITS = 'wrn16-1_1xb64-20e_digits-style-shift'


def method_of(path):
    token = Path(path).stem.split('_', 1)[0]
    assert token in METHODS, path
    return token


def slug(domain):
    return domain.lower().replace(' ', '-').replace('_', '-')


def classifier_cfg(cfg):
    return cfg.model.model if cfg.model.type in ('SLIMAdvStyle', 'StyleAugmented') else cfg.model


def test_configs_cover_every_setting_and_method():
    names = {p.stem for p in CLS_CONFIGS}
    expected = {f'{m}_{model}_1xb64-120e_pacs-{protocol}-{slug(domain)}' for m in METHODS for domain in PACS_DOMAINS
                for model, protocol in (('resnet18', 'lodo'), ('resnet18', 'single'), ('resnet50', 'lodo'))}
    expected |= {f'{m}_wrn40-2_{setting}' for m in METHODS for setting in CIFAR10C.values()}
    expected |= {f'{m}_{DIGITS}' for m in METHODS}
    assert names == expected
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
    domain = next((d for d in PACS_DOMAINS if path.stem.endswith(f'-{slug(d)}')), None)
    if 'pacs' in path.parts and domain != 'art_painting':
        # the other domains' configs differ from art_painting's in their data only
        twin = Config.fromfile(str(path).replace(f'-{slug(domain)}.py', '-art-painting.py'))
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
FAST_PACS = [f'{m}_resnet18_1xb64-120e_pacs-single-art-painting' for m in METHODS]
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
    cfg = Config.fromfile(str(CONFIGS / 'cifar10c' / f'{method}_wrn40-2_{CIFAR10C["augmix"]}.py'))
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
    cfg = Config.fromfile(str(CONFIGS / 'digits_demo' / f'{method}_{DIGITS}.py'))
    torch.manual_seed(0)
    metrics = check_run(tiny_runner(cfg, tmp_path), method)
    assert {'source/accuracy', 'texture/accuracy', 'target_mean/accuracy'} <= set(metrics)


@pytest.mark.parametrize('method', METHODS)
def test_cifar10c_paper_recipe_differs_from_augmix_in_its_schedule_only(method):
    """The SLIM paper's section 5 recipe: Adam 2e-4, batch 64, cosine annealing, 120 epochs."""
    paper = Config.fromfile(str(CONFIGS / 'cifar10c' / f'{method}_wrn40-2_{CIFAR10C["paper"]}.py'))
    augmix = Config.fromfile(str(CONFIGS / 'cifar10c' / f'{method}_wrn40-2_{CIFAR10C["augmix"]}.py'))
    assert paper.optim_wrapper.optimizer == dict(type='Adam', lr=2e-4, weight_decay=0.)
    assert paper.train_dataloader.batch_size == 64 and augmix.train_dataloader.batch_size == 128
    [scheduler] = paper.param_scheduler
    assert (scheduler.type, scheduler.T_max, paper.train_cfg.max_epochs) == ('CosineAnnealingLR', 120, 120)
    assert paper.model == augmix.model
    assert paper.test_dataloader == augmix.test_dataloader
    for key in ('optim_wrapper', 'param_scheduler', 'train_cfg', 'train_dataloader'):
        paper.pop(key), augmix.pop(key)
    assert paper.to_dict() == augmix.to_dict()

"""VLCS, OfficeHome and TerraIncognita leave-one-domain-out configs: for every target, ResNet-18 and
-50, the eight rows of PACS (ERM, pAdaIN, MixStyle, DSU, ASA, ASA + SLIM, AdvStyle-Zhong +- SLIM).
Each keeps the target out of training and model selection, names the method it builds, builds, and
trains two iterations, validates and tests on tiny fakes in DomainBed's folder layout.

Building all 192 models took ~90 s on 2 loaded CPU cores. So the default run builds every ERM
config and one method row per dataset and backbone (the other targets' rows have the same model
config, which the protocol test checks); `-m slow` builds and trains all of them."""
from functools import lru_cache
from pathlib import Path

import pytest
from domainbed_fake_data import write_fake_domainbed
from mmengine.config import Config
from mmseg.registry import MODELS
from mmengine.runner import Runner
from torch import nn
from test_cls_configs import METHODS, check_method, check_run, method_of

from slim_mmseg.datasets.office_home import OFFICE_HOME_CLASSES, OFFICE_HOME_DOMAINS
from slim_mmseg.datasets.terra_incognita import TERRA_INCOGNITA_CLASSES, TERRA_INCOGNITA_DOMAINS
from slim_mmseg.datasets.vlcs import VLCS_CLASSES, VLCS_DOMAINS

CONFIGS = Path(__file__).resolve().parents[2] / 'configs'
DATASETS = {  # config folder: (data folder, domains, classes)
    'vlcs': ('VLCS', VLCS_DOMAINS, VLCS_CLASSES),
    'office_home': ('office_home', OFFICE_HOME_DOMAINS, OFFICE_HOME_CLASSES),
    'terra_incognita': ('terra_incognita', TERRA_INCOGNITA_DOMAINS, TERRA_INCOGNITA_CLASSES),
}
PATHS = sorted(p for folder in DATASETS for p in (CONFIGS / folder).glob('*.py'))


def slug(text):
    return text.lower().replace(' ', '-').replace('_', '-')


def row(folder, depth, method, domain):
    return f'{method}_resnet{depth}_1xb64-120e_{slug(folder)}-lodo-{slug(domain)}'


def first_target_row(folder, depth, method):
    return CONFIGS / folder / f'{row(folder, depth, method, DATASETS[folder][1][0])}.py'


@lru_cache(maxsize=None)
def read_only_config(path):
    """Each file is parsed once for the protocol checks (a first target's row is also its twins'
    reference); tests that change a config load their own."""
    return Config.fromfile(str(path))


def default_or_slow(paths, default):
    return [path if path in default else pytest.param(path, marks=pytest.mark.slow) for path in paths]


# One method row per dataset built by default (both backbones, first target): a StyleAugmented row
# with SLIM, the SLIMAdvStyle row with SLIM, and pAdaIN (whose positions differ between R18's basic
# blocks and R50's bottlenecks).
BUILT_METHOD_ROW = {'vlcs': 'asa-slim', 'office_home': 'advstyle-zhong-slim', 'terra_incognita': 'padain'}
BUILT_BY_DEFAULT = {path for path in PATHS if method_of(path) == 'erm'} | {
    first_target_row(folder, depth, method)
    for folder, method in BUILT_METHOD_ROW.items() for depth in (18, 50)}
# The default run trains one ResNet-18 ERM config per dataset and VLCS's R18 ASA + SLIM row;
# `-m slow` trains all 192.
TRAINED_BY_DEFAULT = {first_target_row(folder, 18, 'erm') for folder in DATASETS} | {
    first_target_row('vlcs', 18, 'asa-slim')}
# Output channels of torchvision's ResNet stages: R18's basic blocks; R50's bottlenecks expand by 4.
STAGE_CHANNELS = {'backbone.layer1': 64, 'backbone.layer2': 128, 'backbone.layer3': 256,
                  'backbone.layer4': 512}


def classifier_cfg(cfg):
    """The classifier's config, also inside a method row's wrapper (StyleAugmented, SLIMAdvStyle)."""
    return cfg.model.model if 'model' in cfg.model else cfg.model


def test_every_target_has_the_eight_rows_for_r18_and_r50():
    names = {(p.parent.name, p.stem) for p in PATHS}
    expected = {(folder, row(folder, depth, method, domain))
                for folder, (_, domains, _) in DATASETS.items()
                for domain in domains for depth in (18, 50) for method in METHODS}
    assert len(expected) == 3 * 4 * 2 * 8
    assert names == expected


@pytest.mark.parametrize('path', PATHS, ids=lambda p: f'{p.parent.name}/{p.stem}')
def test_protocol_and_method(path):
    cfg = read_only_config(path)
    check_method(cfg, method_of(path))
    _, domains, classes = DATASETS[path.parent.name]
    target = next(d for d in domains if path.stem.endswith(f'-lodo-{slug(d)}'))
    sources = [d for d in domains if d != target]
    assert cfg.train_dataloader.dataset.domains == sources
    assert cfg.val_dataloader.dataset.domains == sources
    assert cfg.test_dataloader.dataset.domains == [target]
    assert cfg.val_evaluator.target_domains == sources
    assert cfg.test_evaluator.target_domains == [target]
    assert [cfg[f'{s}_dataloader'].dataset.split for s in ('train', 'val', 'test')] == \
        ['in', 'out', 'in']
    assert cfg.default_hooks.checkpoint.save_best == 'source_val_mean/accuracy'
    depth = 18 if '_resnet18_' in path.name else 50
    classifier = classifier_cfg(cfg)
    assert classifier.backbone.depth == depth
    assert classifier.backbone.init_cfg.checkpoint == f'torchvision://resnet{depth}'
    assert classifier.in_channels == (512 if depth == 18 else 2048)
    assert classifier.num_classes == len(classes)
    first_target = first_target_row(path.parent.name, depth, method_of(path))
    if path != first_target:  # the other targets' rows differ from the first's in their data only
        assert read_only_config(first_target).model == cfg.model


@pytest.mark.parametrize('path', default_or_slow(PATHS, BUILT_BY_DEFAULT),
                         ids=lambda p: f'{p.parent.name}/{p.stem}')
def test_build(path):
    cfg = Config.fromfile(str(path))
    classifier = classifier_cfg(cfg)
    classifier.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    assert (model.model if classifier is not cfg.model else model).head.out_features == \
        len(DATASETS[path.parent.name][2])
    if cfg.model.type == 'StyleAugmented':  # each style module has its position's channels
        expansion = 1 if classifier.backbone.depth == 18 else 4
        channels = {'backbone.maxpool': 64,
                    **{stage: width * expansion for stage, width in STAGE_CHANNELS.items()}}
        modules = dict(model.model.named_modules())
        for position, module in model.augmentation.items():
            placed = modules[position]
            expected = placed.out_channels if isinstance(placed, nn.Conv2d) else channels[position]
            assert module.channels == expected, position


@pytest.fixture(scope='module')
def fake_data(tmp_path_factory):
    root = tmp_path_factory.mktemp('domainbed')
    for data_folder, domains, classes in DATASETS.values():
        write_fake_domainbed(root / data_folder, domains, classes,
                             images_per_class=2 if len(classes) < 20 else 1, size=24)
    return root


def tiny_runner(cfg, data_root, work_dir):
    """One epoch of two batches of 2 at 64 pixels (as the PACS config tests); validation on every
    source's held-out images (the fakes are small), the test on 4 target images."""
    cfg.work_dir = str(work_dir)
    classifier_cfg(cfg).backbone.init_cfg = None
    cfg.train_cfg.max_epochs = 1
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=-1)  # no files to write
    cfg.train_dataloader.dataset.pipeline[1].size = 64
    for loader, batch_size, samples in (('train_dataloader', 2, 4), ('val_dataloader', 16, None),
                                        ('test_dataloader', 16, 4)):
        cfg[loader].update(batch_size=batch_size, num_workers=0, persistent_workers=False)
        cfg[loader].dataset.update(data_root=str(data_root), indices=samples)
        if loader != 'train_dataloader':
            cfg[loader].dataset.pipeline[1].scale = (64, 64)
    return Runner.from_cfg(cfg)


@pytest.mark.parametrize('path', default_or_slow(PATHS, TRAINED_BY_DEFAULT),
                         ids=lambda p: f'{p.parent.name}/{p.stem}')
def test_config_trains_validates_and_tests(path, fake_data, tmp_path):
    cfg = Config.fromfile(str(path))
    runner = tiny_runner(cfg, fake_data / DATASETS[path.parent.name][0], tmp_path / 'work')
    metrics = check_run(runner, method_of(path))
    sources = cfg.val_evaluator.target_domains
    assert runner.message_hub.get_scalar('val/source_val_mean/accuracy').current() == \
        pytest.approx(sum(runner.message_hub.get_scalar(f'val/{d}/accuracy').current()
                          for d in sources) / 3)
    target = cfg.test_evaluator.target_domains[0]
    assert set(metrics) == {f'{target}/accuracy', 'accuracy', 'target_mean/accuracy'}

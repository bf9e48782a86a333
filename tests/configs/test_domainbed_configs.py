"""VLCS, OfficeHome and TerraIncognita leave-one-domain-out configs (ResNet-18 and -50 ERM for every
target, and any method row placed beside them): each keeps the target out of training and model
selection, builds, and trains two iterations, validates and tests on tiny fakes in DomainBed's
folder layout."""
from pathlib import Path

import pytest
from domainbed_fake_data import write_fake_domainbed
from mmengine.config import Config
from mmseg.registry import MODELS
from mmengine.runner import Runner
from test_cls_configs import check_run

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
# The default run trains one ResNet-18 config per dataset; `-m slow` trains all 24.
TRAINED_BY_DEFAULT = {CONFIGS / folder / f'resnet18_lodo_{domains[0].lower()}_erm.py'
                      for folder, (_, domains, _) in DATASETS.items()}
TRAINING_RUNS = [path if path in TRAINED_BY_DEFAULT else pytest.param(path, marks=pytest.mark.slow)
                 for path in PATHS]


def slug(domain):
    return domain.lower().replace(' ', '_')


def classifier_cfg(cfg):
    """The classifier's config, also inside a method row's wrapper (StyleAugmented, SLIMAdvStyle)."""
    return cfg.model.model if 'model' in cfg.model else cfg.model


def test_every_target_has_an_r18_and_an_r50_erm_config():
    names = {(p.parent.name, p.stem) for p in PATHS}
    expected = {(folder, f'resnet{depth}_lodo_{slug(domain)}_erm')
                for folder, (_, domains, _) in DATASETS.items()
                for domain in domains for depth in (18, 50)}
    assert expected <= names  # method rows (other names) may sit beside them


@pytest.mark.parametrize('path', PATHS, ids=lambda p: f'{p.parent.name}/{p.stem}')
def test_protocol_and_build(path):
    cfg = Config.fromfile(str(path))
    _, domains, classes = DATASETS[path.parent.name]
    target = next(d for d in domains if f'_lodo_{slug(d)}_' in path.name)
    sources = [d for d in domains if d != target]
    assert cfg.train_dataloader.dataset.domains == sources
    assert cfg.val_dataloader.dataset.domains == sources
    assert cfg.test_dataloader.dataset.domains == [target]
    assert cfg.val_evaluator.target_domains == sources
    assert cfg.test_evaluator.target_domains == [target]
    assert [cfg[f'{s}_dataloader'].dataset.split for s in ('train', 'val', 'test')] == \
        ['in', 'out', 'in']
    assert cfg.default_hooks.checkpoint.save_best == 'source_val_mean/accuracy'
    depth = 18 if path.name.startswith('resnet18_') else 50
    classifier = classifier_cfg(cfg)
    assert classifier.backbone.depth == depth
    assert classifier.backbone.init_cfg.checkpoint == f'torchvision://resnet{depth}'
    classifier.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    assert (model.model if classifier is not cfg.model else model).head.out_features == len(classes)


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


@pytest.mark.parametrize('path', TRAINING_RUNS, ids=lambda p: f'{p.parent.name}/{p.stem}')
def test_config_trains_validates_and_tests(path, fake_data, tmp_path):
    cfg = Config.fromfile(str(path))
    runner = tiny_runner(cfg, fake_data / DATASETS[path.parent.name][0], tmp_path / 'work')
    metrics = check_run(runner, 'erm')
    sources = cfg.val_evaluator.target_domains
    assert runner.message_hub.get_scalar('val/source_val_mean/accuracy').current() == \
        pytest.approx(sum(runner.message_hub.get_scalar(f'val/{d}/accuracy').current()
                          for d in sources) / 3)
    target = cfg.test_evaluator.target_domains[0]
    assert set(metrics) == {f'{target}/accuracy', 'accuracy', 'target_mean/accuracy'}

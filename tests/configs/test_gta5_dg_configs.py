"""The GTA5 -> Cityscapes/BDD100K/Mapillary configs of the RobustNet protocol: names, protocol values,
and training iterations through tools/train.py on tiny fakes in the real layouts (two for ERM; one
for the augmented rows). Rows: ERM, pAdaIN, MixStyle, DSU, AdvStyle (ASA), ASA + SLIM and the
image-level AdvStyle-Zhong pair; one ERM, one StyleAugmented and one Zhong run per model by default,
the rest under -m slow."""
import importlib.util
import json
import math
import re
from pathlib import Path

import pytest
from mmengine.config import Config

from gta5_dg_fakes import REPO, write_gta5_dg_data

CONFIG_DIR = REPO / 'configs' / 'gta5_dg'
METHODS = ('erm', 'padain', 'mixstyle', 'dsu', 'asa', 'asa-slim', 'advstyle-zhong', 'advstyle-zhong-slim')
STYLE_TYPES = {'padain': 'pAdaIN', 'mixstyle': 'MixStyle', 'dsu': 'DSU', 'asa': 'ASA', 'asa-slim': 'ASA'}
NAME = re.compile(r'^([a-z-]+)_(deeplabv2_r101-d8|deeplabv3plus_r50-d16)_'
                  r'4xb4-40k_gta5-to-cityscapes-bdd100k-mapillary_768x768\.py$')
CONFIGS = sorted(p.name for p in CONFIG_DIR.glob('*.py'))
FAST = {'erm', 'asa-slim', 'advstyle-zhong'}


def segmentor(cfg):
    return cfg.model.model if cfg.model.type in ('SLIMAdvStyle', 'StyleAugmented') else cfg.model


def test_both_models_come_with_every_row():
    assert len(CONFIGS) == 16, CONFIGS
    methods = {NAME.match(name).group(1) for name in CONFIGS}
    models = {NAME.match(name).group(2) for name in CONFIGS}
    assert methods == set(METHODS)
    assert models == {'deeplabv2_r101-d8', 'deeplabv3plus_r50-d16'}


@pytest.mark.parametrize('name', CONFIGS)
def test_protocol(name):
    cfg = Config.fromfile(str(CONFIG_DIR / name))
    method = NAME.match(name).group(1)
    model = segmentor(cfg)
    assert model.type == 'EncoderDecoder'
    if 'deeplabv2' in name:
        assert model.backbone.depth == 101 and model.backbone.strides == (1, 2, 1, 1)
        assert model.decode_head.type == 'DeepLabV2Head'
        assert model.decode_head.dilations == (6, 12, 18, 24)
        assert model.backbone.init_cfg.checkpoint == 'open-mmlab://resnet101_v1c'
    else:
        assert model.backbone.depth == 50 and model.backbone.strides == (1, 2, 2, 1)
        assert model.decode_head.type == 'DepthwiseSeparableASPPHead'
        assert model.backbone.init_cfg.checkpoint == 'open-mmlab://resnet50_v1c'
    assert model.data_preprocessor.size == (768, 768)
    layers = ['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4']
    if method == 'erm':
        assert cfg.model.type == 'EncoderDecoder'
    else:
        assert cfg.model_wrapper_cfg.type == 'SLIMDistributedDataParallel'
    if method.startswith('advstyle-zhong'):
        assert cfg.model.type == 'SLIMAdvStyle' and cfg.model.adversary.positions == ['input']
    if method == 'advstyle-zhong':
        assert cfg.model.slim is None
    if method == 'advstyle-zhong-slim':
        assert cfg.model.slim == dict(layers=layers, losses=['mse', 'ortho', 'reverse'], lambda_range=(-1.0, 1.0))
    if method in STYLE_TYPES:
        assert cfg.model.type == 'StyleAugmented' and cfg.model.augmentation.type == STYLE_TYPES[method]
        assert (cfg.model.get('slim') is not None) == (method == 'asa-slim')
    if method in ('asa', 'asa-slim'):
        assert cfg.model.augmentation.adv_weight == 10.0
        assert cfg.model.positions == ['backbone.stem.0', 'backbone.maxpool', *layers]
    if method == 'asa-slim':
        assert cfg.model.slim_layers == layers

    assert cfg.train_dataloader.batch_size == 4
    assert cfg.train_cfg.max_iters == 40000
    assert cfg.optim_wrapper.optimizer.lr == 0.01
    train = cfg.train_dataloader.dataset
    assert (train.type, train.ann_file) == ('GTA5Dataset', 'splits/train.txt')
    assert dict(type='RandomCrop', crop_size=(768, 768)) in train.pipeline
    # Hygiene: checkpoints are selected on held-out GTA5 only; targets only at test time.
    assert (cfg.val_dataloader.dataset.type, cfg.val_dataloader.dataset.ann_file) == \
        ('GTA5Dataset', 'splits/val.txt')
    assert cfg.default_hooks.checkpoint.save_best == 'mIoU'
    targets = cfg.test_dataloader.dataset.datasets
    assert [t.domain for t in targets] == ['cityscapes', 'bdd100k', 'mapillary']
    assert cfg.test_evaluator.target_domains == ['cityscapes', 'bdd100k', 'mapillary']
    assert all('domain' in t.pipeline[-1].meta_keys for t in targets)


@pytest.fixture(scope='module')
def fake_world(tmp_path_factory):
    root = tmp_path_factory.mktemp('gta5_dg')
    write_gta5_dg_data(root)
    return root


def load_train_tool():
    spec = importlib.util.spec_from_file_location('train_tool', REPO / 'tools' / 'train.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tiny_overrides(name, work_dir):
    """Input size and run length cut down through --cfg-options, as a user would."""
    prefix = 'model.model.' if not name.startswith('erm_') else 'model.'
    # DeepLab v3+'s image-pooling branch normalises over the batch alone, and the feature-level
    # style modules estimate a batch spread: both need 2 images.
    batch_size = 1 if 'deeplabv2' in name and NAME.match(name).group(1) not in STYLE_TYPES else 2
    iterations = 2 if name.startswith('erm_') else 1
    return [
        f'{prefix}backbone.init_cfg=None',
        f'{prefix}data_preprocessor.size=(32,32)',
        f'train_dataloader.batch_size={batch_size}',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'train_dataloader.dataset.pipeline.2.scale=(96,54)',
        'train_dataloader.dataset.pipeline.3.crop_size=(32,32)',
        f'train_cfg.max_iters={iterations}',
        'train_cfg.val_begin=3',  # the last-iteration validation would only cost time here
        'default_hooks.logger.interval=1',
        'default_hooks.checkpoint.save_last=False',
        f'visualizer.name={Path(work_dir).name}',
    ]


@pytest.mark.parametrize('name', [n if NAME.match(n).group(1) in FAST else pytest.param(n, marks=pytest.mark.slow)
                                  for n in CONFIGS])
def test_training_iterations_on_fake_data(name, fake_world, monkeypatch):
    monkeypatch.chdir(fake_world)  # the configs read data/ relative to the working directory
    work_dir = fake_world / 'work_dirs' / name[:-3]
    load_train_tool().main([str(CONFIG_DIR / name), '--work-dir', str(work_dir),
                            '--cfg-options', *tiny_overrides(name, work_dir)])
    logs = [json.loads(line) for line in
            next(work_dir.glob('*/vis_data/scalars.json')).read_text().splitlines()
            if 'iter' in json.loads(line)]
    assert [log['iter'] for log in logs] == ([1, 2] if name.startswith('erm_') else [1])
    assert all(math.isfinite(log['decode.loss_ce']) for log in logs)
    if name.startswith('advstyle-zhong'):
        assert all(math.isfinite(log['adv.decode.loss_ce']) for log in logs)
    assert all(('slim_lambda' in log) == NAME.match(name).group(1).endswith('slim') for log in logs)

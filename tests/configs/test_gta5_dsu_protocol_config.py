"""DSU's GTA5 protocol (configs/gta5_dg/dsu_protocol/): every value that is sourced from
lixiaotong97/DSU's semantic-segmentation code, the learning rates the schedule produces, and one
training iteration plus a test on tiny fakes of GTA5 / Cityscapes / BDD100K / Mapillary."""
import math

import pytest
import torch
from gta5_dg_fakes import REPO, load_tool, write_gta5_dg_data
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS
from mmengine.runner import Runner
from mmseg.utils import register_all_modules

import slim_mmseg.openmmlab  # noqa: F401

register_all_modules(init_default_scope=True)
CONFIG = (REPO / 'configs' / 'gta5_dg' / 'dsu_protocol' /
          'erm_deeplabv2_r101-d8-frozen-bn_4xb2-20k_gta5-1280x720-to-cityscapes-1024x512.py')
TYPES_OF = lambda pipeline: [step['type'] for step in pipeline]  # noqa: E731


def test_protocol_values():
    cfg = Config.fromfile(str(CONFIG))
    backbone, head = cfg.model.backbone, cfg.model.decode_head
    # torchvision ResNet-101, layer3/4 dilated 2/4 (output stride 8), frozen BN
    assert (backbone.type, backbone.depth, backbone.style) == ('ResNet', 101, 'pytorch')
    assert backbone.strides == (1, 2, 1, 1) and backbone.dilations == (1, 1, 2, 4)
    assert backbone.contract_dilation
    assert backbone.norm_cfg == dict(type='BN', requires_grad=False) and backbone.norm_eval
    assert backbone.init_cfg.checkpoint == 'torchvision://resnet101'
    assert (head.type, head.dilations, head.align_corners) == ('DeepLabV2Head', (6, 12, 18, 24), True)
    assert head.loss_decode.avg_non_ignore
    # whole GTA5 frames at 1280x720, nothing else; 4 x 2 = 8 images per step
    train = cfg.train_dataloader.dataset
    assert (train.type, train.ann_file) == ('ClassBalancedGTA5Dataset', 'splits/all.txt')
    assert (train.num_samples, train.sub_epoch_size) == (250000, 3000)
    assert TYPES_OF(train.pipeline) == ['LoadImageFromFile', 'LoadGTA5Annotations', 'Resize',
                                        'PackSegInputs']
    assert train.pipeline[2] == dict(type='Resize', scale=(1280, 720), keep_ratio=False,
                                     interpolation='bicubic')
    assert cfg.train_dataloader.batch_size * 4 == 8 and '_4xb2-' in CONFIG.name
    # SGD 5e-4, head x10, poly 0.9 over 31,250 iterations, stopped at 20,000; no validation
    assert cfg.optim_wrapper.optimizer == dict(type='SGD', lr=5e-4, momentum=0.9, weight_decay=5e-4)
    assert cfg.optim_wrapper.paramwise_cfg == dict(custom_keys={'decode_head': dict(lr_mult=10.)})
    assert cfg.param_scheduler == [dict(type='PolyLR', eta_min=0.0, power=0.9, begin=0, end=31251,
                                        by_epoch=False)]  # 31,250 steps of decay: see below
    assert cfg.train_cfg == dict(type='IterBasedTrainLoop', max_iters=20000)
    assert cfg.val_dataloader is None and cfg.val_cfg is None and cfg.val_evaluator is None
    assert cfg.default_hooks.checkpoint == dict(type='CheckpointHook', by_epoch=False, interval=2000)
    # Cityscapes val images at 1024x512, labels at full resolution (Resize before the labels load)
    cityscapes = cfg.test_dataloader.dataset.datasets[0]
    assert cityscapes.domain == 'cityscapes'
    assert TYPES_OF(cityscapes.pipeline) == ['LoadImageFromFile', 'Resize', 'LoadAnnotations',
                                             'PackSegInputs']
    assert cityscapes.pipeline[1] == dict(type='Resize', scale=(1024, 512), keep_ratio=False,
                                          interpolation='bicubic')
    assert cfg.test_evaluator.target_domains == ['cityscapes', 'bdd100k', 'mapillary']


def test_learning_rates_follow_dsus_poly_schedule():
    """DSU sets lr = 5e-4 * (1 - it / 31250) ** 0.9 before step `it` (core/solver/build.py), x10 for
    the classifier; mmengine's chained PolyLR must give the same values up to iteration 19,999."""
    cfg = Config.fromfile(str(CONFIG))
    model = torch.nn.ModuleDict(dict(backbone=torch.nn.Conv2d(1, 1, 1),
                                     decode_head=torch.nn.Conv2d(1, 1, 1)))
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    scheduler = PARAM_SCHEDULERS.build(dict(cfg.param_scheduler[0],
                                            optimizer=optim_wrapper.optimizer))
    checked = {0, 1, 10000, 19999}
    seen = {}
    for iteration in range(cfg.train_cfg.max_iters):
        if iteration in checked:
            seen[iteration] = sorted(group['lr'] for group in optim_wrapper.param_groups)
        scheduler.step()
    for iteration, lrs in seen.items():
        expected = 5e-4 * (1 - iteration / 31250) ** 0.9
        assert lrs[0] == pytest.approx(expected, rel=1e-9)
        assert lrs[-1] == pytest.approx(10 * expected, rel=1e-9)
    assert seen[19999][0] == pytest.approx(5e-4 * (11251 / 31250) ** 0.9)  # far from 0 at the stop


@pytest.fixture(scope='module')
def fake_world(tmp_path_factory):
    root = tmp_path_factory.mktemp('gta5_dsu')
    data = write_gta5_dg_data(root)
    load_tool('gta5').main([str(data / 'gta5')])  # splits/all.txt: every valid GTA5 frame
    return root


def test_one_iteration_and_test_on_fakes(fake_world, monkeypatch):
    monkeypatch.chdir(fake_world)  # the config reads data/ relative to the working directory
    cfg = Config.fromfile(str(CONFIG))
    cfg.work_dir = str(fake_world / 'work_dirs' / 'dsu_erm')
    cfg.model.backbone.init_cfg = None
    cfg.custom_hooks = []  # no pretrained weights to look for
    cfg.model.data_preprocessor.size = (18, 32)
    cfg.train_dataloader.update(batch_size=2, num_workers=0, persistent_workers=False)
    cfg.train_dataloader.dataset.update(num_samples=8, sub_epoch_size=4)
    cfg.train_dataloader.dataset.pipeline[2].scale = (32, 18)  # 1280x720 / 40
    cfg.test_dataloader.update(num_workers=0, persistent_workers=False)
    cfg.test_dataloader.dataset.datasets[0].pipeline[1].scale = (32, 16)  # 64x32 Cityscapes / 2
    cfg.train_cfg.max_iters = 1
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint.save_last = False
    cfg.visualizer.name = 'dsu_protocol_test'
    runner = Runner.from_cfg(cfg)
    train = runner.train_dataloader.dataset
    assert len(train) == 12  # (8 // 4 + 1) sub-epochs of 4 class-balanced draws
    # drawn from the 5 valid fake frames (frame 00003's label size differs: left out)
    assert {train.get_data_info(i)['img_path'][-9:] for i in range(12)} <= {
        f'{i:05d}.png' for i in (1, 2, 4, 5, 6)}
    runner.train()
    assert runner.iter == 1
    assert math.isfinite(runner.message_hub.get_scalar('train/decode.loss_ce').current())
    backbone = runner.model.backbone
    assert backbone.conv1.weight.requires_grad and backbone.layer4[0].conv2.weight.requires_grad
    assert not any(p.requires_grad for n, p in backbone.named_parameters() if '.bn' in n or
                   n.startswith('bn1') or 'downsample.1' in n)
    assert not any(m.training for m in backbone.modules() if isinstance(m, torch.nn.BatchNorm2d))
    metrics = runner.test()
    assert {'cityscapes/mIoU', 'bdd100k/mIoU', 'mapillary/mIoU', 'target_mean/mIoU'} <= set(metrics)


METHOD_ROWS = {'asa': 'ASA', 'asa-slim': 'ASA', 'mixstyle': 'MixStyle', 'dsu': 'DSU', 'padain': 'pAdaIN'}


def method_row(method):
    return CONFIG.with_name(CONFIG.name.replace('erm_', f'{method}_', 1))


@pytest.mark.parametrize('method', METHOD_ROWS)
def test_method_rows_wrap_the_erm_row_at_torchvision_resnet_positions(method):
    """ASA +- SLIM and the three baselines in this protocol: the ERM row's segmentor, data and schedule,
    wrapped by StyleAugmented at the positions of the torchvision-layout ResNet (conv1, maxpool,
    layer1-4), which a ResNetV1c placement (stem.0) would miss."""
    erm, cfg = Config.fromfile(str(CONFIG)), Config.fromfile(str(method_row(method)))
    assert cfg.model.type == 'StyleAugmented' and cfg.model.augmentation.type == METHOD_ROWS[method]
    assert cfg.model.model == erm.model
    assert cfg.model_wrapper_cfg.type == 'SLIMDistributedDataParallel'
    for key in ('train_dataloader', 'test_dataloader', 'optim_wrapper', 'param_scheduler', 'train_cfg'):
        assert cfg[key] == erm[key], key
    layers = ['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4']
    if method.startswith('asa'):
        assert cfg.model.positions == ['backbone.conv1', 'backbone.maxpool', *layers]
    assert (cfg.model.get('slim') is not None) == (method == 'asa-slim')
    if method == 'asa-slim':
        assert cfg.model.slim_layers == layers


@pytest.mark.slow
@pytest.mark.parametrize('method', METHOD_ROWS)
def test_method_rows_build(method):
    from mmseg.registry import MODELS
    cfg = Config.fromfile(str(method_row(method)))
    cfg.model.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    assert {'backbone.layer1', 'backbone.layer2'} & set(model.augmentation.positions) or method == 'padain'
    assert len(model.augmentation.positions) > 0


def test_asa_slim_row_builds_and_every_position_resolves():
    from mmseg.registry import MODELS
    cfg = Config.fromfile(str(method_row('asa-slim')))
    cfg.model.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    assert list(model.augmentation.positions) == cfg.model.positions
    assert model.slim is not None

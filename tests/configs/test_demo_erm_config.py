"""The CPU demo ERM config: DG protocol values, and its datasets + model on a tiny SynthStreets."""
from pathlib import Path

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS, MODELS

from slim_mmseg.synthstreets import SynthStreetsSpec, generate

CONFIG = Path(__file__).resolve().parents[2] / 'configs/demo/erm_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py'


def with_root(node, old, new):
    """The config with every data_root below ``old`` moved below ``new``."""
    if isinstance(node, dict):
        return {k: (v.replace(old, new, 1) if k == 'data_root' else with_root(v, old, new))
                for k, v in node.items()}
    if isinstance(node, list):
        return [with_root(v, old, new) for v in node]
    return node


def test_protocol_values():
    cfg = Config.fromfile(str(CONFIG))
    assert cfg.default_hooks.checkpoint.save_best == 'source_val/mIoU'
    assert cfg.train_cfg.type == 'IterBasedTrainLoop' and cfg.train_cfg.max_iters <= 1500
    assert cfg.val_evaluator.type == 'MultiDomainIoUMetric'
    assert cfg.val_evaluator.target_domains == ['overcast', 'foggy', 'dusk']
    val_sets = cfg.val_dataloader.dataset.datasets
    assert [d.domain for d in val_sets] == ['source_val', 'overcast', 'foggy', 'dusk']
    assert val_sets[0].ann_file == 'splits/val.txt' and cfg.train_dataloader.dataset.ann_file == \
        'splits/train.txt'
    backbone = cfg.model.backbone
    assert (backbone.depth, backbone.base_channels, backbone.stem_channels) == (18, 32, 32)
    assert backbone.norm_cfg.type == 'BN' and cfg.model.decode_head.type == 'ASPPHead'


def test_datasets_and_one_training_step_on_tiny_synthstreets(tmp_path):
    init_default_scope('mmseg')
    generate(str(tmp_path), SynthStreetsSpec(source_train=2, source_val=1, target_train=0, target_val=1),
             log=lambda _: None)
    cfg = Config.fromfile(str(CONFIG))
    train_set = DATASETS.build(with_root(cfg.train_dataloader.dataset.to_dict(), 'data/synthstreets',
                                         str(tmp_path)))
    val_set = DATASETS.build(with_root(cfg.val_dataloader.dataset.to_dict(), 'data/synthstreets',
                                       str(tmp_path)))
    assert len(train_set) == 2 and len(val_set) == 4
    assert [val_set[i]['data_samples'].metainfo['domain'] for i in range(4)] == \
        ['source_val', 'overcast', 'foggy', 'dusk']

    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    batch = [train_set[0], train_set[1]]
    data = model.data_preprocessor(dict(inputs=[b['inputs'] for b in batch],
                                        data_samples=[b['data_samples'] for b in batch]), True)
    assert data['inputs'].shape == (2, 3, 128, 256)
    losses = model.loss(data['inputs'], data['data_samples'])
    losses['decode.loss_ce'].backward()
    assert torch.isfinite(losses['decode.loss_ce'])
    assert model.backbone.stem[0].weight.grad.abs().sum() > 0

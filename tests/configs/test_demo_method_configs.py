"""The SynthStreets demo's method rows: each builds the method its name says and trains a step."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

import slim_mmseg.openmmlab  # noqa: F401
from seg_batch import random_seg_batch

DEMO = Path(__file__).resolve().parents[2] / 'configs' / 'demo'
ROWS = {'erm': None, 'padain': 'pAdaIN', 'mixstyle': 'MixStyle', 'dsu': 'DSU', 'asa': 'ASA', 'asa-slim': 'ASA',
        'advstyle-zhong': 'Zhong', 'advstyle-zhong-slim': 'Zhong'}


@pytest.mark.parametrize('row', ROWS)
def test_row_builds_its_method_and_trains_a_step(row):
    cfg = Config.fromfile(str(DEMO / f'{row}_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py'))
    kind = ROWS[row]
    if kind is None:
        assert cfg.model.type == 'EncoderDecoder'
    elif kind == 'Zhong':
        assert cfg.model.type == 'SLIMAdvStyle' and cfg.model.adversary.positions == ['input']
    else:
        assert cfg.model.type == 'StyleAugmented' and cfg.model.augmentation.type == kind
        assert (cfg.model.get('slim') is not None) == row.endswith('slim')
        assert cfg.model_wrapper_cfg.type == 'SLIMDistributedDataParallel'
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).train()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3))
    log = model.train_step(random_seg_batch(n=2, size=64, num_classes=19), optim)
    assert torch.isfinite(log['loss'])
    assert ('slim_lambda' in log) == row.endswith('-slim')

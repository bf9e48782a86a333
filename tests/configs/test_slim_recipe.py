"""The README's recipe: any mmseg config becomes SLIM-AdvStyle in a few lines (here SegFormer/MiT,
a backbone the project itself never uses, taken from mmseg's own config zoo)."""
import torch
from mmengine.config import Config
from mmengine.model import revert_sync_batchnorm
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from seg_batch import random_seg_batch

RECIPE = """
_base_ = ['mmseg::segformer/segformer_mit-b0_8xb2-160k_ade20k-512x512.py']
custom_imports = dict(imports=['slim_mmseg.openmmlab'], allow_failed_imports=False)
model = dict(
    _delete_=True,
    type='SLIMAdvStyle',
    model={{_base_.model}},
    adversary=dict(positions=['input'], step_size=0.2),
    slim=dict(layers=['backbone.layers.0.2', 'backbone.layers.1.2', 'backbone.layers.2.2', 'backbone.layers.3.2']))
model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')
custom_hooks = [dict(type='SLIMAdvStyleHook')]
"""


def test_mmseg_segformer_config_becomes_slim_advstyle(tmp_path):
    path = tmp_path / 'slim_segformer.py'
    path.write_text(RECIPE)
    cfg = Config.fromfile(str(path))
    init_default_scope('mmseg')
    assert cfg.train_dataloader.dataset.type == 'ADE20KDataset'  # everything else is mmseg's
    cfg.model.model.data_preprocessor.size = (64, 64)
    torch.manual_seed(0)
    model = revert_sync_batchnorm(MODELS.build(cfg.model)).train()
    assert type(model).__name__ == 'SLIMAdvStyle'
    optim = OptimWrapper(torch.optim.AdamW(model.parameters(), lr=1e-4))
    log = model.train_step(random_seg_batch(n=2, size=64, num_classes=150), optim)
    assert torch.isfinite(log['loss']) and 'adv.decode.loss_ce' in log and 'slim_lambda' in log

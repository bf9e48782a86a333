"""The README's recipe: any mmseg config becomes SLIM-AdvStyle in a few lines (here SegFormer/MiT,
a backbone the project itself never uses, taken from mmseg's own config zoo)."""
import torch
from mmengine.model import revert_sync_batchnorm
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from segformer_recipe import ade20k_train_step, segformer_recipe

RECIPE = """
model = dict(
    _delete_=True,
    type='SLIMAdvStyle',
    model={{_base_.model}},
    adversary=dict(positions=['input'], step_size=0.2),
    slim=dict(layers=['backbone.layers.0.2', 'backbone.layers.1.2', 'backbone.layers.2.2', 'backbone.layers.3.2']))
custom_hooks = [dict(type='SLIMAdvStyleHook')]
"""


def test_mmseg_segformer_config_becomes_slim_advstyle(tmp_path):
    cfg = segformer_recipe(tmp_path, RECIPE)
    init_default_scope('mmseg')
    assert cfg.train_dataloader.dataset.type == 'ADE20KDataset'  # everything else is mmseg's
    torch.manual_seed(0)
    model = revert_sync_batchnorm(MODELS.build(cfg.model)).train()
    assert type(model).__name__ == 'SLIMAdvStyle'
    log = ade20k_train_step(model)
    assert torch.isfinite(log['loss']) and 'adv.decode.loss_ce' in log and 'slim_lambda' in log

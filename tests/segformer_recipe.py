"""The README's recipe on mmseg's own SegFormer/MiT-B0 (ADE20K) config, a backbone the project never
uses otherwise: the base config, our registrations and SLIM's DDP wrapper around a wrapper model."""
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from seg_batch import random_seg_batch

RECIPE_HEAD = """
_base_ = ['mmseg::segformer/segformer_mit-b0_8xb2-160k_ade20k-512x512.py']
custom_imports = dict(imports=['slim_mmseg.openmmlab'], allow_failed_imports=False)
model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')
"""


def segformer_recipe(tmp_path, lines: str) -> Config:
    """The recipe with ``lines`` (the wrapper's ``model = dict(_delete_=True, ..., model={{_base_.model}},
    ...)`` and any hooks) loaded from ``tmp_path``, at 64x64 inputs so a CPU trains it in seconds."""
    path = tmp_path / 'segformer_recipe.py'
    path.write_text(RECIPE_HEAD + lines)
    cfg = Config.fromfile(str(path))
    cfg.model.model.data_preprocessor.size = (64, 64)
    return cfg


def ade20k_train_step(model) -> dict:
    """One AdamW training step on a random 64x64 batch with ADE20K's 150 classes."""
    optim = OptimWrapper(torch.optim.AdamW(model.parameters(), lr=1e-4))
    return model.train_step(random_seg_batch(n=2, size=64, num_classes=150), optim)

"""Mixed-precision training on CPU: ``tools/train.py --amp`` without an accelerator.

mmengine's ``AmpOptimWrapper`` asserts a CUDA/NPU/MLU/MUSA device in its constructor, because
it is built around float16 and its ``GradScaler``. CPU autocast supports bfloat16, which has
float32's exponent range, so gradients do not underflow and no loss scaling is needed: mixed
precision on CPU is the plain ``OptimWrapper`` with the forward pass and loss under
``torch.autocast('cpu', dtype=torch.bfloat16)``. Parameters, gradients and optimizer state
stay float32; validation and testing run in float32 as with mmengine's ``AmpOptimWrapper``.
"""
from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper
from mmseg.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class CPUBF16AutocastOptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose ``optim_context`` (the forward pass and the loss of
    ``train_step``) runs under CPU bfloat16 autocast."""

    @contextmanager
    def optim_context(self, model):
        with super().optim_context(model), torch.autocast(device_type='cpu',
                                                          dtype=torch.bfloat16):
            yield

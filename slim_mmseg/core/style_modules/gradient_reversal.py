"""Gradient reversal: identity forward, gradient multiplied by ``-weight`` backward.

ASA (Zhang et al. 2023, YBZh/AdvStyle ``Dassl.pytorch/dassl/modeling/ops/advstyle.py``,
``GradientReverseFunction``) passes its control factors through this function, so that one
optimizer step lets the network weights *descend* the task loss while the control factors
*ascend* it with an effective step of ``weight`` times the learning rate (``ADV_WEIGHT=10.0`` in
``imcls/scripts/run.sh``).
"""
import torch
from torch import Tensor


class _GradientReversal(torch.autograd.Function):

    @staticmethod
    def forward(ctx, x: Tensor, weight: float) -> Tensor:
        ctx.weight = weight
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output: Tensor):
        return grad_output * -ctx.weight, None


def reverse_gradient(x: Tensor, weight: float = 1.0) -> Tensor:
    """``x`` unchanged; its gradient is ``-weight`` times the incoming one.

    Args:
        x: any tensor.
        weight: the reversal's scale (``adv_weight``); must be >= 0.
    """
    if weight < 0:
        raise ValueError(f'the gradient reversal weight must be >= 0, got {weight}')
    return _GradientReversal.apply(x, float(weight))

"""The ``'balanced'`` SLIM scale: mixing the task and dictionary gradients by their norms.

The SLIM paper's Eq. 2 describes ``lambda ~ U(-1, 1)`` as controlling "the respective influences of
the two loss components". Taken literally, the influence of each component on the ascent step is its
gradient, so ``'balanced'`` rescales the dictionary loss's gradient ``g_dict`` to ``|lambda|`` times
the task loss's gradient norm before adding it with ``lambda``'s sign::

    g = g_task + lambda * (||g_task|| / ||g_dict||) * g_dict        (per sample, or per tensor)

so ``||lambda-part|| / ||g_task|| = |lambda|`` exactly, whatever the layer's size or the loss's
reduction. The paper does not define this; it is the project's reading (docs: "SLIM's strength").

Degenerate cases, defined rather than NaN:

- ``||g_dict|| = 0`` (``x_adv = x``, where every dictionary loss is stationary): no dictionary
  contribution; the step is the task step;
- ``||g_task|| = 0`` (a saturated cross-entropy): the dictionary contribution is ``|lambda| * 0 = 0``
  too, so the sample does not move at this step, as with the task loss alone.

Both are counted in :class:`BalanceStats` so that callers can log them.
"""
from dataclasses import dataclass
from typing import List, Sequence, Tuple

import torch
from torch import Tensor


@dataclass
class BalanceStats:
    """Per sample (or per tensor): the measured ``||lambda-part|| / ||g_task||`` (``nan`` where the task
    gradient is zero) and which samples had a zero task or dictionary gradient."""
    ratio: Tensor
    zero_task: Tensor
    zero_dict: Tensor


def per_sample_norm(grads: Sequence[Tensor]) -> Tensor:
    """The L2 norm of each sample's gradient over every tensor in ``grads`` (each (N, ...)), float32 or wider."""
    squares = [_at_least_float32(g.detach().flatten(1)).pow(2).sum(dim=1) for g in grads]
    return torch.stack(squares).sum(dim=0).sqrt()


def balance(task_grads: Sequence[Tensor], dict_grads: Sequence[Tensor], weights: Tensor,
            batch_dim: bool = True) -> Tuple[List[Tensor], BalanceStats]:
    """``g_task + lambda * ||g_task|| / ||g_dict|| * g_dict``.

    Args:
        task_grads, dict_grads: gradients of the task loss and of the (unweighted) dictionary loss
            with respect to the same tensors.
        weights: ``lambda``; with ``batch_dim`` one per sample, shape (N,) or (1,), and every tensor is
            (N, ...); without it a scalar and each tensor is balanced on its own (ASA's control factors,
            which the batch shares).
    """
    if batch_dim:
        task_norm, dict_norm = per_sample_norm(task_grads), per_sample_norm(dict_grads)
        factors = _factors(task_norm, dict_norm, weights.to(task_norm))
        mixed = [t + (factors.view(-1, *[1] * (d.dim() - 1)) * _at_least_float32(d)).to(t.dtype)
                 for t, d in zip(task_grads, dict_grads)]
        contribution = factors.abs() * dict_norm
    else:
        task_norm = torch.stack([_at_least_float32(t.detach()).norm() for t in task_grads])
        dict_norm = torch.stack([_at_least_float32(d.detach()).norm() for d in dict_grads])
        factors = _factors(task_norm, dict_norm, weights.to(task_norm).reshape(()))
        mixed = [t + (f * _at_least_float32(d)).to(t.dtype) for t, d, f in zip(task_grads, dict_grads, factors)]
        contribution = factors.abs() * dict_norm
    ratio = torch.where(task_norm > 0, contribution / task_norm.clamp_min(torch.finfo(task_norm.dtype).tiny),
                        torch.full_like(task_norm, float('nan')))
    return mixed, BalanceStats(ratio, task_norm == 0, dict_norm == 0)


def _at_least_float32(tensor: Tensor) -> Tensor:
    return tensor if tensor.dtype in (torch.float32, torch.float64) else tensor.float()


def _factors(task_norm: Tensor, dict_norm: Tensor, weights: Tensor) -> Tensor:
    # lambda * ||g_task|| / ||g_dict||, and 0 where ||g_dict|| = 0 (no direction to scale).
    safe = torch.where(dict_norm > 0, dict_norm, torch.ones_like(dict_norm))
    return torch.where(dict_norm > 0, weights * task_norm / safe, torch.zeros_like(dict_norm))

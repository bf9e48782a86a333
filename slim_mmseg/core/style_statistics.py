"""Per-sample, per-channel style statistics and re-styling (the AdaIN view of "style").

One module for every user: the feature-level style modules (ASA, DSU, MixStyle, pAdaIN) take the
*unbiased* spatial variance, as all four anchor implementations do (ASA ``advstyle.py``, DSU
``dsu.py``, Dassl ``mixstyle.py``, pAdaIN ``permutedAdaIN.py``); AdvStyle-Zhong's perturbation
(:mod:`.perturbations.style_statistics`) takes the biased one, the default. ``unbiased`` chooses.

Precision: the statistics are computed and returned in float32 (float64 stays float64) whatever
the input's dtype. A float16 map's sum of squares overflows as soon as ``H * W * var > 65504``
(a 384 x 384 map with unit variance sums to 147456), and bfloat16 keeps 8 significant bits; the
(N, C, 1, 1) statistics cost nothing to keep wide. :func:`restyle` returns the input's dtype, so
a module under autocast hands the next layer the dtype it expects.
"""
from typing import Optional, Tuple

import torch
from torch import Tensor


def check_feature_map(x: Tensor, where: str) -> None:
    """Raise unless ``x`` is an (N, C, H, W) tensor."""
    if x.dim() != 4:
        raise ValueError(f'{where} needs an (N, C, H, W) feature map, got shape {tuple(x.shape)}')


def statistics_dtype(dtype: torch.dtype) -> torch.dtype:
    """The dtype statistics of a ``dtype`` map are computed in: float32, or float64 for float64."""
    return torch.promote_types(dtype, torch.float32)


def spatial_var_mean(x: Tensor, correction: int) -> Tuple[Tensor, Tensor]:
    """``torch.var_mean(x, dim=(2, 3), correction=correction, keepdim=True)`` of an (N, C, H, W)
    tensor, faster on the CPU and in :func:`statistics_dtype`: variance and mean, each (N, C, 1, 1)."""
    return _SpatialVarMean.apply(x, correction)


class _SpatialVarMean(torch.autograd.Function):
    """Two-pass variance ``sum((x - mean)^2) / (H*W - correction)`` with ``var_mean``'s backward.

    Why not ``torch.var_mean``: on the CPU it runs a scalar Welford reduction in double precision
    that costs 10-20x a vectorised pass, and it returns the input's dtype (a float16 variance
    overflows with the sum of squares above). Why a Function: autograd of the plain two-pass
    expression would keep ``x - mean`` (one more feature map per call, in float32) for the
    backward pass; this keeps ``x`` (kept anyway by the re-styling) and recomputes it, as
    ``var_mean``'s backward does. The backward uses differentiable ops, so double backward works.
    """

    @staticmethod
    def forward(ctx, x: Tensor, correction: int) -> Tuple[Tensor, Tensor]:
        # x - mean promotes to the wide dtype: squares and sums never pass through float16.
        # In place: autograd is off inside forward, and one temporary map is enough.
        mean = x.mean(dim=(2, 3), keepdim=True, dtype=statistics_dtype(x.dtype))
        squares = (x - mean).square_().sum(dim=(2, 3), keepdim=True)
        ctx.save_for_backward(x, mean)
        ctx.correction = correction
        return squares / (x.shape[2] * x.shape[3] - correction), mean

    @staticmethod
    def backward(ctx, grad_var: Tensor, grad_mean: Tensor):
        x, mean = ctx.saved_tensors
        count = x.shape[2] * x.shape[3]
        # d var / dx = 2 (x - mean) / (count - correction); d mean / dx = 1 / count.
        grad = torch.addcmul(grad_mean / count, x - mean, grad_var * (2 / (count - ctx.correction)))
        return grad.to(x.dtype), None


def style_statistics(x: Tensor, eps: float = 1e-6, unbiased: bool = False) -> Tuple[Tensor, Tensor]:
    """Mean and ``std = sqrt(var + eps)`` over the spatial dimensions of an (N, C, H, W) tensor.

    Returns two (N, C, 1, 1) tensors in :func:`statistics_dtype`; ``eps`` keeps ``std`` strictly
    positive and differentiable at constant channels; ``unbiased`` divides by ``H*W - 1``.
    """
    check_feature_map(x, 'style statistics')
    var, mean = spatial_var_mean(x, correction=1 if unbiased else 0)
    return mean, (var + eps).sqrt()


def batch_spread(statistic: Tensor, eps: float) -> Tensor:
    """DSU's uncertainty estimate: ``sqrt(unbiased variance over the batch + eps)`` of an
    (N, C, 1, 1) statistic, shape (1, C, 1, 1) (DSU ``dsu.py`` ``sqrtvar``; ASA ``advstyle.py``)."""
    if statistic.shape[0] < 2:
        raise ValueError('the batch spread of style statistics needs at least 2 samples per batch '
                         f'(got {statistic.shape[0]}); raise the batch size per process')
    return (statistic.var(dim=0, keepdim=True) + eps).sqrt()


def restyle(x: Tensor, mean: Tensor, std: Tensor, eps: float = 1e-6, *, unbiased: bool = False,
            own: Optional[Tuple[Tensor, Tensor]] = None) -> Tensor:
    """Normalise ``x`` by its own statistics, then give it the statistics ``mean`` and ``std``:
    ``(x - own_mean) / own_std * std + mean``, in ``x``'s dtype.

    ``own`` is ``x``'s own ``(mean, std)`` when the caller has them already (the style modules);
    otherwise they are :func:`style_statistics` ``(x, eps, unbiased)``. Computed as one fused
    ``x * scale + shift`` with the (N, C, 1, 1) ``scale = std / own_std`` and
    ``shift = mean - own_mean * scale`` formed in the statistics' precision: one pass over the
    feature map instead of four (elementwise passes over large maps, not FLOPs, are what re-styling
    costs).
    """
    own_mean, own_std = style_statistics(x, eps, unbiased) if own is None else own
    scale = std / own_std
    shift = mean - own_mean * scale
    return torch.addcmul(shift.to(x.dtype), x, scale.to(x.dtype))

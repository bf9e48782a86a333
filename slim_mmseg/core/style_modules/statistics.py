"""Instance style statistics as the feature-level style modules compute them.

All four anchor implementations (ASA ``advstyle.py``, DSU ``dsu.py``, Dassl ``mixstyle.py``,
pAdaIN ``permutedAdaIN.py``) take the per-sample, per-channel mean and the square root of the
*unbiased* spatial variance plus ``eps``; :func:`slim_mmseg.core.style_statistics` (biased) serves
the image-level adversary and is kept separate so neither changes the other's numbers.
"""
from typing import Tuple

import torch
from torch import Tensor

from ..style_statistics import spatial_var_mean


def check_feature_map(x: Tensor, where: str) -> None:
    if x.dim() != 4:
        raise ValueError(f'{where} needs an (N, C, H, W) feature map, got shape {tuple(x.shape)}')


def instance_statistics(x: Tensor, eps: float) -> Tuple[Tensor, Tensor]:
    """Per-sample, per-channel mean and ``sqrt(unbiased var + eps)`` of an (N, C, H, W) tensor,
    each of shape (N, C, 1, 1)."""
    var, mean = spatial_var_mean(x, correction=1)  # not torch.var_mean: see spatial_var_mean
    return mean, (var + eps).sqrt()


def batch_spread(statistic: Tensor, eps: float) -> Tensor:
    """DSU's uncertainty estimate: ``sqrt(unbiased variance over the batch + eps)`` of an
    (N, C, 1, 1) statistic, shape (1, C, 1, 1) (DSU ``dsu.py`` ``sqrtvar``; ASA ``advstyle.py``)."""
    if statistic.shape[0] < 2:
        raise ValueError('the batch spread of style statistics needs at least 2 samples per batch '
                         f'(got {statistic.shape[0]}); raise the batch size per process')
    return (statistic.var(dim=0, keepdim=True) + eps).sqrt()


def restyle_normalised(x: Tensor, mean: Tensor, std: Tensor, new_mean: Tensor, new_std: Tensor) -> Tensor:
    """``(x - mean) / std * new_std + new_mean`` (the AdaIN re-styling every module shares).

    Computed as ``x * scale + shift`` with the (N, C, 1, 1) ``scale = new_std / std`` and
    ``shift = new_mean - mean * scale``: one fused pass over the feature map instead of four
    (elementwise passes over large maps, not FLOPs, are what these modules cost)."""
    scale = new_std / std
    return torch.addcmul(new_mean - mean * scale, x, scale)


def standard_normal(shape: torch.Size, generator: torch.Generator, like: Tensor) -> Tensor:
    """N(0, 1) noise drawn from a CPU ``generator`` (so streams do not depend on the device) and
    moved to ``like``'s device and dtype."""
    return torch.randn(shape, generator=generator).to(device=like.device, dtype=like.dtype)

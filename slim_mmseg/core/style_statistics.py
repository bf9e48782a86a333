"""Per-sample, per-channel style statistics and re-styling (the AdaIN view of "style")."""
from typing import Tuple

import torch
from torch import Tensor


def style_statistics(x: Tensor, eps: float = 1e-6) -> Tuple[Tensor, Tensor]:
    """Mean and standard deviation over the spatial dimensions of an (N, C, H, W) tensor.

    Returns two (N, C, 1, 1) tensors; ``std = sqrt(var + eps)`` (biased variance) so that it is
    strictly positive and differentiable at constant channels.
    """
    if x.dim() != 4:
        raise ValueError(f'style statistics need an (N, C, H, W) tensor, got shape {tuple(x.shape)}')
    mean = x.mean(dim=(2, 3), keepdim=True)
    var = x.var(dim=(2, 3), keepdim=True, unbiased=False)
    return mean, torch.sqrt(var + eps)


def restyle(x: Tensor, mean: Tensor, std: Tensor, eps: float = 1e-6) -> Tensor:
    """Normalise ``x`` by its own statistics, then give it the statistics ``mean`` and ``std``."""
    own_mean, own_std = style_statistics(x, eps)
    return (x - own_mean) / own_std * std + mean

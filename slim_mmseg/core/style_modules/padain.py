"""pAdaIN: permuted adaptive instance normalisation (Nuriel et al., CVPR 2021).

Source: onuriel/PermutedAdaIN ``permutedAdaIN.py`` (``PermuteAdaptiveInstanceNorm2d``): with
probability ``p`` (default 0.01) a batch is re-styled with the statistics of a random permutation
of itself: sample i keeps its content and takes the (detached) mean and std of sample ``perm[i]``.
eps = 1e-5 as in the source, which also adds eps once more to the content std (kept: it is part of
the published layer). Feature maps of spatial size 1x1 are returned unchanged, as in the source.
"""
from typing import Optional

from torch import Tensor

from ..style_statistics import restyle, style_statistics
from .base import StyleModule
from .registry import STYLE_MODULES


@STYLE_MODULES.register('pAdaIN')
class PermutedAdaIN(StyleModule):
    """Args:
        channels: channels of the input feature map.
        p: probability of permuting a batch (source default 0.01).
        eps: added to variances (source default 1e-5).
        seed: see :class:`.base.StyleModule`.
    """

    def __init__(self, channels: int, p: float = 0.01, eps: float = 1e-5, seed: Optional[int] = None):
        super().__init__(channels, seed, p)
        self.eps = eps

    def augment(self, x: Tensor) -> Tensor:
        permutation = self.permutation(x.shape[0], x.device)
        if x.shape[2:] == (1, 1):
            return x
        mean, std = style_statistics(x, self.eps, unbiased=True)
        style_mean, style_std = mean.detach()[permutation], std.detach()[permutation]
        return restyle(x, style_mean, style_std, own=(mean, std + self.eps))

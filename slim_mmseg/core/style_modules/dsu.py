"""DSU: domain shifts modelled as uncertain feature statistics (Li et al., ICLR 2022).

Source: lixiaotong97/DSU ``dsu.py`` (``DistributionUncertainty``). With probability ``p``
(default 0.5, as ``uresnet18(uncertainty=0.5)`` there), each sample's per-channel mean and std are
replaced by draws from Gaussians centred on them whose spread is the batch's estimate
(``sqrt(var over the batch + eps)``, per channel):

    mu' = mu + e_mu * S_mu,  sigma' = sigma + e_sigma * S_sigma,  e ~ N(0, 1) per sample and channel,
    output = (x - mu) / sigma * sigma' + mu'.

Gradients flow through the statistics and the spread (not detached, as in the source); eps = 1e-6
as in the source.
"""
from typing import Optional

from torch import Tensor

from ..style_statistics import batch_spread, restyle, style_statistics
from .base import StyleModule
from .registry import STYLE_MODULES


def dsu_restyle(module: StyleModule, x: Tensor) -> Tensor:
    """One DSU resampling of ``x`` with ``module``'s noise stream and ``eps`` (shared with ASA's
    DSU branch)."""
    mean, std = style_statistics(x, module.eps, unbiased=True)
    new_mean = mean + module.standard_normal(mean) * batch_spread(mean, module.eps)
    new_std = std + module.standard_normal(std) * batch_spread(std, module.eps)
    return restyle(x, new_mean, new_std, own=(mean, std))


@STYLE_MODULES.register('DSU')
class DSU(StyleModule):
    """Args:
        channels: channels of the input feature map.
        p: probability of resampling a batch (DSU ``dsu.py``: 0.5).
        eps: added to variances (DSU ``dsu.py``: 1e-6).
        seed: see :class:`.base.StyleModule`.
    """

    def __init__(self, channels: int, p: float = 0.5, eps: float = 1e-6, seed: Optional[int] = None):
        super().__init__(channels, seed, p)
        self.eps = eps

    def augment(self, x: Tensor) -> Tensor:
        return dsu_restyle(self, x)

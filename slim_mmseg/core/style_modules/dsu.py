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

from .base import StyleModule, check_probability
from .statistics import batch_spread, instance_statistics, restyle_normalised, standard_normal


def dsu_restyle(x: Tensor, generator, eps: float) -> Tensor:
    """One DSU resampling of ``x`` (shared with ASA's DSU branch)."""
    mean, std = instance_statistics(x, eps)
    new_mean = mean + standard_normal(mean.shape, generator, x) * batch_spread(mean, eps)
    new_std = std + standard_normal(std.shape, generator, x) * batch_spread(std, eps)
    return restyle_normalised(x, mean, std, new_mean, new_std)


class DSU(StyleModule):
    """Args:
        channels: channels of the input feature map.
        p: probability of resampling a batch (DSU ``dsu.py``: 0.5).
        eps: added to variances (DSU ``dsu.py``: 1e-6).
        seed: see :class:`.base.StyleModule`.
    """

    def __init__(self, channels: int, p: float = 0.5, eps: float = 1e-6, seed: Optional[int] = None):
        super().__init__(channels, seed)
        self.p = check_probability(p)
        self.eps = eps

    def augment(self, x: Tensor) -> Tensor:
        if self.uniform() >= self.p:
            return x
        return dsu_restyle(x, self.generator, self.eps)

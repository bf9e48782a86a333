"""MixStyle: mixing instance statistics of two samples (Zhou et al., ICLR 2021).

Source: KaiyangZhou/Dassl.pytorch ``dassl/modeling/ops/mixstyle.py`` (``MixStyle``; defaults
``p=0.5, alpha=0.1, eps=1e-6, mix='random'``). With probability ``p`` a batch is re-styled: sample
i takes the convex mix ``lam * s_i + (1 - lam) * s_j`` of its own (detached) statistics and those
of a partner j, ``lam ~ Beta(alpha, alpha)`` per sample. Partners:

- ``mix='random'``: ``j = perm[i]`` for a random permutation of the batch;
- ``mix='crossdomain'``: j is drawn uniformly among the samples whose *domain label* differs from
  i's. Dassl's ``crossdomain`` assumes the batch's two halves come from two domains and swaps them;
  using the labels themselves (set through :meth:`set_domains`, which the ``StyleAugmented``
  wrapper does from the data samples' ``domain`` metainfo) gives the same pairs for such batches
  and also works for any batch composition. A sample with no other-domain partner in its batch
  mixes with a random one; such samples are counted in ``single_domain_samples`` and warned about.
"""
import warnings
from typing import Optional, Sequence

import torch
from torch import Tensor

from ..style_statistics import restyle, style_statistics
from .base import StyleModule
from .registry import STYLE_MODULES

MIX_MODES = ('random', 'crossdomain')


@STYLE_MODULES.register('MixStyle')
class MixStyle(StyleModule):
    """Args:
        channels: channels of the input feature map.
        p: probability of mixing a batch (Dassl: 0.5).
        alpha: parameter of the Beta(alpha, alpha) mixing weight (Dassl: 0.1).
        mix: ``'random'`` or ``'crossdomain'`` (see the module docstring).
        eps: added to variances (Dassl: 1e-6).
        seed: see :class:`.base.StyleModule`.
    """

    def __init__(self, channels: int, p: float = 0.5, alpha: float = 0.1, mix: str = 'random',
                 eps: float = 1e-6, seed: Optional[int] = None):
        super().__init__(channels, seed, p)
        if alpha <= 0:
            raise ValueError(f'alpha must be > 0, got {alpha}')
        if mix not in MIX_MODES:
            raise ValueError(f'mix must be one of {MIX_MODES}, got {mix!r}')
        self.alpha, self.mix, self.eps = alpha, mix, eps
        self.domains: Optional[Tensor] = None
        self.single_domain_samples = 0

    @property
    def needs_domains(self) -> bool:
        return self.mix == 'crossdomain'

    def set_domains(self, domains: Optional[Sequence]) -> None:
        """Domain labels (any hashable values) of the next batch's samples, in batch order."""
        if domains is None:
            self.domains = None
            return
        codes = {d: i for i, d in enumerate(dict.fromkeys(domains))}
        self.domains = torch.tensor([codes[d] for d in domains])

    def augment(self, x: Tensor) -> Tensor:
        batch = x.shape[0]
        mean, std = style_statistics(x, self.eps, unbiased=True)
        mean, std = mean.detach(), std.detach()
        lam = _beta(self.alpha, batch, self.noise).to(device=x.device, dtype=mean.dtype).view(batch, 1, 1, 1)
        partners = self.partners(batch).to(x.device)
        mixed_mean = lam * mean + (1 - lam) * mean[partners]
        mixed_std = lam * std + (1 - lam) * std[partners]
        return restyle(x, mixed_mean, mixed_std, own=(mean, std))

    def partners(self, batch: int) -> Tensor:
        if self.mix == 'random':
            return torch.randperm(batch, generator=self.noise)
        if self.domains is None or len(self.domains) != batch:
            raise ValueError("MixStyle(mix='crossdomain') needs the batch's domain labels (set_domains); "
                             "the StyleAugmented wrapper reads them from each data sample's 'domain' "
                             "metainfo: use a domain-tagged dataset or mix='random'")
        draws = torch.rand(batch, generator=self.noise)
        partners = torch.empty(batch, dtype=torch.long)
        lonely = 0
        for i in range(batch):
            others = (self.domains != self.domains[i]).nonzero().flatten()
            if len(others) == 0:
                others = torch.arange(batch)
                lonely += 1
            partners[i] = others[min(int(draws[i] * len(others)), len(others) - 1)]
        if lonely:
            self.single_domain_samples += lonely
            warnings.warn(f'MixStyle crossdomain: {lonely} sample(s) had no other-domain partner in '
                          f'their batch and mixed with a random sample '
                          f'({self.single_domain_samples} so far)', RuntimeWarning)
        return partners


def _beta(alpha: float, count: int, generator: torch.Generator) -> Tensor:
    """``count`` Beta(alpha, alpha) draws from ``generator`` (float32, on the CPU).

    ``torch.distributions.Beta`` samples the first coordinate of a Dirichlet(alpha, alpha) with
    ``torch._sample_dirichlet`` on the global generator; the same kernel takes a generator, so
    no global stream (CPU or CUDA, dropout's included) is read, seeded or advanced."""
    return torch._sample_dirichlet(torch.full((count, 2), float(alpha)), generator=generator)[:, 0]

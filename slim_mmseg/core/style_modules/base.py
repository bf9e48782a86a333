"""What every feature-level style module shares: its random streams, its gate, and when it acts.

A style module acts only while its ``nn.Module`` is training *and* ``active`` is True (the SLIM
clean-reference pass switches it off); otherwise it returns its input unchanged, drawing no random
numbers. A module built with a probability ``p`` (DSU, MixStyle, pAdaIN) then acts on a batch with
probability ``p`` (the anchors' ``random.random() > p`` gate).

Random numbers come from the module's own CPU generators (:class:`..random_streams.RandomStreams`,
saved by name in ``state_dict`` so that ``--resume`` continues them):

- ``decisions``: the gate and ASA's branch choice. Identical on every distributed rank, so ranks
  take the same branches (ASA's initialisation all-reduces across ranks) and a batch split over N
  ranks is gated as one batch of N x b would be on one device;
- ``noise``: Gaussian noise, permutations, mixing weights. Different on every rank, so N ranks
  draw N x b per-sample noises.

Both derive from ``seed`` (default: :func:`..random_streams.shared_seed`, the run's seed as rank 0
has it). The anchors draw from Python's and torch's global generators instead (``random.random()``,
``torch.randn``); private generators keep the modules from shifting the data pipeline's or
dropout's random numbers, and the SLIM clean pass from shifting the modules'.
"""
import warnings
from typing import Optional

import torch
from torch import Tensor, nn

from ..random_streams import RandomStreams, shared_seed
from ..style_statistics import check_feature_map


def check_probability(p: float) -> float:
    """The probability with which a module acts on a batch (DSU, MixStyle, pAdaIN)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f'p must be in [0, 1], got {p}')
    return p


class StyleModule(nn.Module):
    """Base class. Subclasses implement :meth:`augment` (training, active, gate passed) on
    (N, C, H, W) input.

    Args:
        channels: channels of the feature map the module receives.
        seed: seed of the module's streams; ``None`` takes :func:`..random_streams.shared_seed`.
        p: probability of acting on a batch; ``None``: no gate (ASA chooses among its branches).
    """

    def __init__(self, channels: int, seed: Optional[int] = None, p: Optional[float] = None):
        super().__init__()
        if channels < 1:
            raise ValueError(f'channels must be >= 1, got {channels}')
        self.channels = channels
        self.p = None if p is None else check_probability(p)
        self.streams = RandomStreams.derived(shared_seed(seed), decisions=('decisions',), noise=('noise',))
        self.active = True

    @property
    def decisions(self) -> torch.Generator:
        return self.streams['decisions']

    @property
    def noise(self) -> torch.Generator:
        return self.streams['noise']

    def forward(self, x: Tensor) -> Tensor:
        if not (self.training and self.active):
            return x
        check_feature_map(x, type(self).__name__)
        if x.shape[1] != self.channels:
            raise ValueError(f'{type(self).__name__} was built for {self.channels} channels, got '
                             f'a feature map of shape {tuple(x.shape)}')
        if self.p is not None and self.uniform() >= self.p:
            return x
        return self.augment(x)

    def augment(self, x: Tensor) -> Tensor:
        raise NotImplementedError

    def uniform(self) -> float:
        """One U(0, 1) draw from the decision stream."""
        return float(torch.rand((), generator=self.decisions))

    def standard_normal(self, like: Tensor) -> Tensor:
        """N(0, 1) noise of the statistic ``like``'s shape from the noise stream (drawn on the CPU
        in float32, so the same numbers whatever the device and the feature map's dtype), on
        ``like``'s device and in its dtype."""
        return torch.randn(like.shape, generator=self.noise).to(device=like.device, dtype=like.dtype)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # Checkpoints of slim-mmseg 0.1 hold one generator state per module, which maps to neither
        # stream: the streams restart from the module's seed, and say so.
        if state_dict.pop(prefix + '_extra_state', None) is not None:
            for name in ('decisions', 'noise'):
                state_dict.setdefault(f'{prefix}streams.{name}._extra_state', self.streams[name].get_state())
            warnings.warn(f'{type(self).__name__} at {prefix!r}: the checkpoint holds one random stream '
                          '(slim-mmseg 0.1); the decision and noise streams restart from the seed',
                          RuntimeWarning)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def permutation(self, batch: int, device: torch.device) -> Tensor:
        """A random permutation of ``range(batch)`` from the noise stream."""
        return torch.randperm(batch, generator=self.noise).to(device)

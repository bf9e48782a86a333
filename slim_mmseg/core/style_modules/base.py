"""What every feature-level style module shares: its own random stream, and when it acts.

A style module acts only while its ``nn.Module`` is training *and* ``active`` is True (the SLIM
clean-reference pass switches it off); otherwise it returns its input unchanged, drawing no random
numbers. Every random decision (whether to act, which branch, noise, permutations, mixing weights)
comes from the module's own CPU ``torch.Generator``:

- seeded from ``seed`` (default ``torch.initial_seed()``: the run's seed once mmengine set it, equal
  on every distributed rank unless ``randomness.diff_rank_seed`` is set), so a run is reproducible
  and ranks take the same branches;
- its state is the module's extra state in ``state_dict`` (one uint8 tensor), so a checkpoint
  resumed with ``--resume`` continues the same random streams.

The anchors draw from Python's and torch's global generators instead (``random.random()``,
``torch.randn``); a private generator keeps the modules from shifting the data pipeline's or
dropout's random numbers, and the SLIM clean pass from shifting the modules'.
"""
from typing import Optional

import torch
from torch import Tensor, nn

from .statistics import check_feature_map


def check_probability(p: float) -> float:
    """The probability with which a module acts on a batch (DSU, MixStyle, pAdaIN)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f'p must be in [0, 1], got {p}')
    return p


class StyleModule(nn.Module):
    """Base class. Subclasses implement :meth:`augment` (training, active) on (N, C, H, W) input.

    Args:
        channels: channels of the feature map the module receives.
        seed: seed of the module's generator; ``None`` takes ``torch.initial_seed()``.
    """

    def __init__(self, channels: int, seed: Optional[int] = None):
        super().__init__()
        if channels < 1:
            raise ValueError(f'channels must be >= 1, got {channels}')
        self.channels = channels
        self.generator = torch.Generator()
        self.generator.manual_seed(torch.initial_seed() if seed is None else seed)
        self.active = True

    def forward(self, x: Tensor) -> Tensor:
        if not (self.training and self.active):
            return x
        check_feature_map(x, type(self).__name__)
        if x.shape[1] != self.channels:
            raise ValueError(f'{type(self).__name__} was built for {self.channels} channels, got '
                             f'a feature map of shape {tuple(x.shape)}')
        return self.augment(x)

    def augment(self, x: Tensor) -> Tensor:
        raise NotImplementedError

    def uniform(self) -> float:
        """One U(0, 1) draw from the module's stream."""
        return float(torch.rand((), generator=self.generator))

    def get_extra_state(self) -> Tensor:
        return self.generator.get_state()

    def set_extra_state(self, state: Tensor) -> None:
        self.generator.set_state(state.cpu())

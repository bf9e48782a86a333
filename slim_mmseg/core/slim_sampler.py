"""The stochastic part of SLIM: which layer, which dictionary loss and which weight, per generation.

Draw modes (``draw``):

- ``'batch'``: one ``(l, L_dict, lambda)`` per generation of adversarial samples, shared by the batch
  ("each time we generate adversarial samples", the paper's wording);
- ``'sample'``: ``l`` per batch, ``L_dict`` and ``lambda`` per sample (ours; the paper is silent).
  The layer stays shared because it decides where the forward pass may stop early and, on several
  GPUs, which collectives run.
"""
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import torch
from torch import Tensor

from .dictionary_losses import check_dictionary_losses

DRAW_MODES = ('batch', 'sample')


@dataclass(frozen=True, eq=False)
class SLIMDraw:
    """One draw. ``loss_indices`` (long) and ``weights`` (float32) are CPU tensors of shape (N,), or (1,)
    for a batch draw made without a batch size; they index ``losses``."""
    layer: str
    layer_index: int
    losses: Tuple[str, ...]
    loss_indices: Tensor
    weights: Tensor
    mode: str = 'batch'

    @property
    def loss_index(self) -> int:
        return int(self._shared(self.loss_indices, 'loss_index'))

    @property
    def loss_name(self) -> str:
        return self.losses[self.loss_index]

    @property
    def weight(self) -> float:
        return float(self._shared(self.weights, 'weight'))

    @classmethod
    def fixed(cls, layer: str, loss_name: str, weight: float, losses: Sequence[str] = ('mse', 'ortho', 'reverse'),
              layer_index: int = 0) -> 'SLIMDraw':
        """A chosen (not sampled) batch draw, for analyses that sweep layers, losses and weights."""
        losses = check_dictionary_losses(losses)
        if loss_name not in losses:
            raise ValueError(f'{loss_name!r} is not among the draw\'s losses {losses}')
        return cls(layer, layer_index, losses, torch.tensor([losses.index(loss_name)]),
                   torch.tensor([float(weight)]))

    def _shared(self, values: Tensor, name: str) -> Tensor:
        if self.mode != 'batch':
            raise AttributeError(f'a per-sample SLIM draw has no single {name}; read loss_indices / weights')
        return values[0]

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, SLIMDraw) and (self.layer, self.layer_index, self.losses, self.mode)
                == (other.layer, other.layer_index, other.losses, other.mode)
                and torch.equal(self.loss_indices, other.loss_indices) and torch.equal(self.weights, other.weights))


class SLIMSampler:
    """Draws layer, loss and weight uniformly, from its own generator.

    The generator is separate from torch's global one so that the draws are reproducible from
    ``seed`` alone, identical on every distributed rank given the same seed, and resumable through
    :meth:`state_dict` / :meth:`load_state_dict`.

    Args:
        layers: candidate module names (dotted, relative to the wrapped model).
        losses: names in the dictionary (see :mod:`.dictionary_losses`).
        lambda_range: ``(low, high)`` of the uniform weight; the paper uses (-1, 1).
        seed: seed of the sampler's generator; ``None`` takes ``torch.initial_seed()``, i.e. the
            run's seed once mmengine has set it.
        draw: ``'batch'`` or ``'sample'`` (module docstring).
    """

    def __init__(self, layers: Sequence[str], losses: Sequence[str] = ('mse', 'ortho', 'reverse'),
                 lambda_range: Tuple[float, float] = (-1.0, 1.0), seed: Optional[int] = None,
                 draw: str = 'batch'):
        self.layers = tuple(layers)
        if not self.layers:
            raise ValueError('SLIM needs at least one candidate layer')
        self.losses = check_dictionary_losses(losses)
        low, high = (float(v) for v in lambda_range)
        if not low <= high:
            raise ValueError(f'lambda_range must be (low, high) with low <= high, got {lambda_range}')
        if draw not in DRAW_MODES:
            raise ValueError(f'unknown SLIM draw mode {draw!r}; valid: {", ".join(DRAW_MODES)}')
        self.lambda_range = (low, high)
        self.mode = draw
        self.generator = torch.Generator()
        self.generator.manual_seed(torch.initial_seed() if seed is None else seed)

    def draw(self, batch_size: Optional[int] = None) -> SLIMDraw:
        """A draw for a batch of ``batch_size`` samples (required in ``'sample'`` mode)."""
        if self.mode == 'sample' and batch_size is None:
            raise ValueError("a per-sample SLIM draw (draw='sample') needs the batch size")
        # Batch mode draws layer, loss and weight in this order, one number each, whatever the batch size.
        count = 1 if self.mode == 'batch' else batch_size
        layer_index = int(torch.randint(len(self.layers), (), generator=self.generator))
        loss_indices = torch.randint(len(self.losses), (count,), generator=self.generator)
        low, high = self.lambda_range
        weights = low + (high - low) * torch.rand((count,), generator=self.generator)
        if self.mode == 'batch' and batch_size is not None:
            loss_indices, weights = loss_indices.expand(batch_size), weights.expand(batch_size)
        return SLIMDraw(self.layers[layer_index], layer_index, self.losses, loss_indices, weights, self.mode)

    def state_dict(self) -> dict:
        return {'generator': self.generator.get_state()}

    def load_state_dict(self, state: dict) -> None:
        # A checkpoint loaded with map_location='cuda' holds the state on the GPU; generators take CPU bytes.
        self.generator.set_state(state['generator'].cpu())

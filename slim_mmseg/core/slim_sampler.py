"""The stochastic part of SLIM: which layer, which dictionary loss, and which weight, per sample generation."""
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import torch
from torch import Tensor

from .dictionary_losses import check_dictionary_losses, get_dictionary_loss


@dataclass(frozen=True)
class SLIMDraw:
    """One draw: the layer ``l``, the dictionary loss and ``lambda`` of ``L_task + lambda * L_dict``."""
    layer: str
    loss_name: str
    weight: float
    layer_index: int
    loss_index: int

    def dictionary_term(self, clean: Tensor, adversarial: Tensor) -> Tensor:
        return self.weight * get_dictionary_loss(self.loss_name)(clean, adversarial)


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
    """

    def __init__(self, layers: Sequence[str], losses: Sequence[str] = ('mse', 'ortho', 'reverse'),
                 lambda_range: Tuple[float, float] = (-1.0, 1.0), seed: Optional[int] = None):
        self.layers = tuple(layers)
        if not self.layers:
            raise ValueError('SLIM needs at least one candidate layer')
        self.losses = check_dictionary_losses(losses)
        low, high = (float(v) for v in lambda_range)
        if not low <= high:
            raise ValueError(f'lambda_range must be (low, high) with low <= high, got {lambda_range}')
        self.lambda_range = (low, high)
        self.generator = torch.Generator()
        self.generator.manual_seed(torch.initial_seed() if seed is None else seed)

    def draw(self) -> SLIMDraw:
        layer_index = int(torch.randint(len(self.layers), (), generator=self.generator))
        loss_index = int(torch.randint(len(self.losses), (), generator=self.generator))
        low, high = self.lambda_range
        weight = low + (high - low) * float(torch.rand((), generator=self.generator))
        return SLIMDraw(self.layers[layer_index], self.losses[loss_index], weight, layer_index, loss_index)

    def state_dict(self) -> dict:
        return {'generator': self.generator.get_state()}

    def load_state_dict(self, state: dict) -> None:
        self.generator.set_state(state['generator'])

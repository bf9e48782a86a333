"""How much the SLIM term changes the adversary's ascent direction.

With the ``sign`` rule a style statistic moves by ``+alpha`` or ``-alpha``; adding
``lambda * L_dict`` to the task loss changes the adversarial style only where it flips the sign of
a gradient component. :func:`sign_flip_rates` measures that fraction for every candidate layer,
dictionary loss and weight, from one shared random start, on one batch: a rate near 0 means that
SLIM leaves the adversary (and hence training) essentially unchanged.
"""
from typing import Callable, Dict, List, Sequence

import torch
from torch import Tensor, nn

from slim_mmseg.core import AdversarialStyleGenerator, SLIMDraw, batchnorm_statistics_frozen


def sign_flip_rates(model: nn.Module, inputs: Tensor, task_loss: Callable[[Tensor], Tensor],
                    positions: Sequence[str], layers: Sequence[str], losses: Sequence[str],
                    weights: Sequence[float] = (-1.0, 1.0), random_start: float = 0.05,
                    norm_mode: str = 'batch', seed: int = 0) -> List[Dict[str, object]]:
    """One record per (layer, loss, weight): the fraction of statistics (all positions, means and
    stds together) whose one-step ``sign`` update differs from the task-only adversary's.

    ``task_loss(x)`` is the task loss of ``model`` on (re-styled) input ``x``. ``random_start``
    must be > 0: at the clean statistics every dictionary term has zero gradient. ``norm_mode``
    is the adversary's (see :mod:`slim_mmseg.core.batchnorm`).
    """
    if random_start <= 0:
        raise ValueError('random_start must be > 0: at the clean statistics the SLIM term has no gradient')

    def adversarial_statistics(reference, draw) -> Tensor:
        # Same seed every time: every generation starts from the same random point, so two
        # one-step results differ exactly where their step signs differ. The global generator is
        # reseeded too, so that stochastic layers (dropout in training mode) draw the same masks
        # in every generation: otherwise their noise alone flips directions.
        adversary = AdversarialStyleGenerator(positions, steps=1, step_size=1.0, rule='sign',
                                              random_start=random_start, norm_mode=norm_mode, seed=seed)
        with torch.random.fork_rng(devices=[inputs.device] if inputs.is_cuda else []):
            torch.manual_seed(seed)
            style = adversary.generate(model, inputs, reference, draw, task_loss)
        return torch.cat([s.flatten() for position in positions for s in style.statistics[position]])

    def clean_reference(draw):
        recorder = AdversarialStyleGenerator(positions)
        with torch.no_grad(), batchnorm_statistics_frozen(model), \
                recorder.record_clean(model, inputs, draw) as reference:
            task_loss(inputs)
        return reference

    task_only = adversarial_statistics(clean_reference(None), None)
    records = []
    for layer_index, layer in enumerate(layers):
        draws = [SLIMDraw.fixed(layer, loss, weight, losses, layer_index) for loss in losses for weight in weights]
        reference = clean_reference(draws[0])  # the clean feature depends on the layer alone
        for draw in draws:
            flipped = (adversarial_statistics(reference, draw) != task_only).float().mean().item()
            records.append(dict(layer=layer, loss=draw.loss_name, weight=draw.weight, flip_rate=flipped))
    return records

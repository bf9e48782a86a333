"""AdvStyle-Zhong's perturbation: an adversarial shift of the style (Zhong et al., NeurIPS 2022,
image and feature level).

The ascended tensors are per-sample, per-channel means and standard deviations at one or more
*positions*: the model input (``'input'``, image-level AdvStyle) and/or the outputs of named
modules whose outputs are (N, C, H, W) (feature-level). Inside :meth:`StyleStatisticsPerturbation.perturbed`
each position is re-styled (normalised by its own statistics, given the ascended ones); after each
step standard deviations are floored at ``eps``.
"""
from contextlib import ExitStack, contextmanager
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import torch
from torch import Tensor, nn

from ..module_lookup import resolve_module
from ..style_statistics import restyle, style_statistics

INPUT = 'input'
Statistics = Dict[str, Tuple[Tensor, Tensor]]


@contextmanager
def recording_statistics(model: nn.Module, inputs: Tensor, positions: Sequence[str],
                         eps: float = 1e-6) -> Iterator[Statistics]:
    """Around a forward pass: fills the yielded dict with each position's detached statistics."""
    statistics: Statistics = {}
    if INPUT in positions:
        statistics[INPUT] = tuple(s.detach() for s in style_statistics(inputs, eps))

    def recorder(position: str):
        def record(_module, _inputs, output):
            statistics[position] = tuple(s.detach() for s in style_statistics(four_d(output, position), eps))
        return record

    with ExitStack() as stack:
        for position in positions:
            if position != INPUT:
                handle = resolve_module(model, position, role='style position').register_forward_hook(
                    recorder(position))
                stack.callback(handle.remove)
        yield statistics
    missing = [p for p in positions if p not in statistics]
    if missing:
        raise RuntimeError(f'style positions {missing} produced no output in the clean forward pass')


class StyleStatisticsPerturbation:
    """Ascends the style statistics of ``reference`` (position -> clean (mean, std), each (N, C, 1, 1)).

    Args:
        reference: the clean statistics (see :func:`recording_statistics`).
        random_start: half-width ``r`` of a uniform start ``s0 + U(-r, r)``.
        eps: added to the variance when re-styling; the floor of adversarial stds.
        default_rule: the ascent rule used when the caller gives none (``'sign'`` or ``'sgd'``).
    """

    def __init__(self, reference: Statistics, random_start: float = 0.0, eps: float = 1e-6,
                 default_rule: str = 'sign'):
        self.reference = reference
        self.random_start = float(random_start)
        self.eps = eps
        self.default_rule = default_rule

    def start(self, inputs: Tensor, generator: Optional[torch.Generator]) -> List[Tensor]:
        state = []
        for mean, std in self.reference.values():
            mean, std = mean.detach().clone(), std.detach().clone()
            if self.random_start > 0:
                for statistic in (mean, std):
                    noise = torch.rand(statistic.shape, generator=generator, dtype=torch.float32)
                    statistic.add_(((2 * noise - 1) * self.random_start).to(statistic))
                std.clamp_(min=self.eps)
            state += [mean.requires_grad_(), std.requires_grad_()]
        return state

    @contextmanager
    def perturbed(self, model: nn.Module, inputs: Tensor, state: Sequence[Tensor]) -> Iterator[Tensor]:
        statistics = self.as_statistics(state)

        def restyler(position: str):
            mean, std = statistics[position]
            return lambda _module, _inputs, output: restyle(four_d(output, position), mean, std, self.eps)

        with ExitStack() as stack:
            for position in statistics:
                if position != INPUT:
                    handle = resolve_module(model, position).register_forward_hook(restyler(position))
                    stack.callback(handle.remove)
            if INPUT in statistics:
                yield restyle(inputs, *statistics[INPUT], self.eps)
            else:
                yield inputs

    def project(self, inputs: Tensor, state: Sequence[Tensor]) -> None:
        for std in state[1::2]:
            std.clamp_(min=self.eps)

    def as_statistics(self, state: Sequence[Tensor]) -> Statistics:
        return {position: (state[2 * i], state[2 * i + 1]) for i, position in enumerate(self.reference)}


def four_d(output, position: str) -> Tensor:
    if not isinstance(output, Tensor) or output.dim() != 4:
        kind = tuple(output.shape) if isinstance(output, Tensor) else type(output).__name__
        raise TypeError(f'style position {position!r} must output an (N, C, H, W) tensor, got {kind}')
    return output

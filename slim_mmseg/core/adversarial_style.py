"""AdvStyle-Zhong: image- and feature-level adversarial style statistics (Zhong et al., NeurIPS
2022), with optional stochastic loss integration (SLIM).

The adversary ascends per-sample, per-channel style statistics
(:class:`.perturbations.StyleStatisticsPerturbation`) at one or more positions — the model input
(``'input'``) and/or named modules' (N, C, H, W) outputs — with the shared ascent loop
(:func:`.ascent.ascend`), starting from the clean statistics (plus an optional uniform random start):

    L_adv = L_task(f(x_adv), y) + lambda * L_dict(f_l(x), f_l(x_adv))

where the SLIM term (:class:`.slim_term.SLIMTerm`) comes from a :class:`.slim_sampler.SLIMSampler`
draw and is absent for plain AdvStyle. A training step is one call::

    adversary = AdversarialStyleGenerator(['input'], step_size=0.1, slim=SLIMSampler([...]))
    adversary.check_names(model)                                  # config errors, at build time
    step = adversary.step(model, inputs, task_loss,               # task_loss(x) -> scalar
                          clean_pass=lambda x: ...,               # forward (+ backward) on the clean batch
                          adversarial_pass=lambda x_adv: ...)     # forward (+ backward) on the adversarial one
    step.clean, step.adversarial, step.style, step.draw

``clean_pass`` runs while the clean statistics and the drawn layer's clean feature are recorded
(SLIM adds no pass of its own); ``adversarial_pass`` runs with the model re-styled. The phases are
also public (:meth:`~AdversarialStyleGenerator.record_clean`, :meth:`~AdversarialStyleGenerator.generate`,
:meth:`~AdversarialStyleGenerator.apply`) for analyses that recombine them.

The model stays in the mode the caller left it in (training, for a training step); normalisation
layers follow ``norm_mode`` (:mod:`.batchnorm`; no buffer changes in the inner loop). The
generator's random streams (``random_start``, and ``slim`` for the sampler's draws) are a
:class:`.random_streams.RandomStreams` module, given by the caller (a wrapper model, which keeps it
in its state dict so that it travels in checkpoints) or built from ``seed``. Each
:class:`AdversarialStyle` reports its ascent's non-finite steps; callers keep the running count.
"""
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional, Sequence

import torch
from torch import Tensor, nn

from .ascent import ascend, check_ascent
from .module_lookup import resolve_module
from .perturbations.style_shift import INPUT, Statistics, StyleStatisticsPerturbation, recording_statistics
from .random_streams import RandomStreams, seeded_generator
from .slim_sampler import SLIMDraw, SLIMSampler
from .slim_term import SLIMTerm, check_scale

# With SLIM on, one ascent step from the exact clean statistics leaves the SLIM term without
# gradient (every dictionary loss is at an extremum at x_adv = x); this start avoids that.
DEFAULT_SLIM_RANDOM_START = 0.05


@dataclass
class CleanReference:
    """What the clean forward pass leaves for the adversary: clean style statistics at every
    position and, with SLIM, the drawn layer's clean feature (all detached)."""
    statistics: Statistics = field(default_factory=dict)
    slim_feature: Optional[Tensor] = None


@dataclass
class AdversarialStyle:
    """The adversary's result: detached adversarial statistics per position, the last finite
    objective and the ascent's count of non-finite steps."""
    statistics: Statistics
    objective: Tensor  # 0-d, the inner loop's last finite objective
    nonfinite_steps: Tensor  # 0-d
    slim_ratio: Optional[Tensor] = None  # (N,), when measured (see ascent.AscentResult)
    slim_zero_gradients: Optional[Tensor] = None  # 'balanced' only


@dataclass
class AdversarialStep:
    """What :meth:`AdversarialStyleGenerator.step` returns: the two passes' results, the style and the draw."""
    clean: Any
    adversarial: Any
    style: AdversarialStyle
    adversarial_inputs: Tensor
    draw: Optional[SLIMDraw]


class AdversarialStyleGenerator:
    """Gradient-ascent adversary on style statistics, with an optional SLIM term.

    Args:
        positions: ``'input'`` and/or dotted module names whose outputs are (N, C, H, W) tensors.
        steps: ascent iterations per generation.
        step_size: ascent step ``alpha``, in units of the statistics (for ``'input'`` after the data
            preprocessor's normalisation).
        rule: ``'sign'`` (the SLIM paper's Eq. 3) or ``'sgd'`` (AdvStyle's published pseudo-code).
        random_start: half-width ``r`` of a uniform start around the clean statistics. ``None``
            means 0 without SLIM and ``DEFAULT_SLIM_RANDOM_START`` with it; an explicit 0 with SLIM
            and a single step is refused (the SLIM term would be inert).
        eps: added to the variance before the square root; the floor of adversarial stds.
        norm_mode: normalisation layers in the inner loop: ``'batch'``, ``'running'`` or ``'eval'``.
        slim: a :class:`SLIMSampler`, or ``None`` for plain AdvStyle.
        slim_scale: the SLIM term's scale, ``'mean'``, ``'paper'`` or ``'balanced'``
            (:mod:`.slim_term`); the statistics are per sample, so the ascent loop applies every
            scale itself (``'balanced'`` per sample).
        seed: seed of the random-start stream when ``streams`` is not given; ``None`` takes
            ``torch.initial_seed()``.
        streams: the caller's :class:`RandomStreams` with a ``random_start`` stream and, with SLIM,
            a ``slim`` stream, which then draws the sampler's (l, L_dict, lambda).
    """

    def __init__(self, positions: Sequence[str] = (INPUT,), steps: int = 1, step_size: float = 0.1,
                 rule: str = 'sign', random_start: Optional[float] = None, eps: float = 1e-6,
                 norm_mode: str = 'batch', slim: Optional[SLIMSampler] = None, seed: Optional[int] = None,
                 streams: Optional[RandomStreams] = None, slim_scale: str = 'mean'):
        self.positions = tuple(positions)
        if not self.positions:
            raise ValueError('the adversary needs at least one position (\'input\' or a module name)')
        if len(set(self.positions)) != len(self.positions):
            raise ValueError(f'positions repeat a name: {self.positions}')
        if rule not in ('sign', 'sgd'):
            raise ValueError(f"rule must be 'sign' or 'sgd', got {rule!r}")
        check_ascent(steps, step_size, rule, norm_mode)
        if random_start is None:
            random_start = DEFAULT_SLIM_RANDOM_START if slim is not None else 0.0
        if random_start < 0:
            raise ValueError(f'random_start must be >= 0, got {random_start}')
        if slim is not None and steps == 1 and random_start == 0:
            raise ValueError('SLIM with one ascent step needs random_start > 0: at the clean statistics '
                             'every dictionary loss has zero gradient, so the SLIM term would do nothing')
        self.steps = steps
        self.step_size = float(step_size)
        self.rule = rule
        self.random_start = float(random_start)
        self.eps = eps
        self.norm_mode = norm_mode
        self.slim = slim
        self.slim_scale = check_scale(slim_scale)
        if streams is None:
            generators = dict(random_start=seeded_generator(torch.initial_seed() if seed is None else seed))
            if slim is not None:
                generators['slim'] = slim.generator
            streams = RandomStreams(**generators)
        elif slim is not None:
            slim.generator = streams['slim']
        self.streams = streams
        # Set by a schedule (e.g. a warm-up hook); multiplies step_size.
        self.step_scale = 1.0

    def state_dict(self) -> dict:
        """The random streams' states, by stream name."""
        return self.streams.state_dict()

    def load_state_dict(self, state_dict: dict) -> None:
        self.streams.load_state_dict(state_dict)

    # -- configuration -------------------------------------------------------------------------
    def check_names(self, model: nn.Module) -> None:
        """Fail early, listing valid names, if a position or SLIM layer is not a module of ``model``."""
        for position in self.positions:
            if position != INPUT:
                resolve_module(model, position, role='style position')
        for layer in self.slim.layers if self.slim is not None else ():
            resolve_module(model, layer, role='SLIM candidate layer')

    def draw(self, batch_size: Optional[int] = None) -> Optional[SLIMDraw]:
        """The next SLIM draw (``batch_size`` is needed with per-sample draws), or ``None`` without SLIM."""
        return self.slim.draw(batch_size) if self.slim is not None else None

    # -- one call ------------------------------------------------------------------------------
    def step(self, model: nn.Module, inputs: Tensor, task_loss: Callable[[Tensor], Tensor],
             clean_pass: Callable[[Tensor], Any], adversarial_pass: Callable[[Tensor], Any],
             measure: bool = False) -> AdversarialStep:
        """Draw, record during ``clean_pass(inputs)``, ascend ``task_loss`` (+ SLIM), then run
        ``adversarial_pass(x_adv)`` with the model re-styled. ``measure`` also measures SLIM's
        strength at the first ascent step (:attr:`AdversarialStyle.slim_ratio`)."""
        draw = self.draw(inputs.shape[0])
        with self.record_clean(model, inputs, draw) as reference:
            clean = clean_pass(inputs)
        style = self.generate(model, inputs, reference, draw, task_loss, measure=measure)
        with self.apply(model, inputs, style) as adversarial_inputs:
            adversarial = adversarial_pass(adversarial_inputs)
        return AdversarialStep(clean, adversarial, style, adversarial_inputs, draw)

    # -- the phases ----------------------------------------------------------------------------
    @contextmanager
    def record_clean(self, model: nn.Module, inputs: Tensor,
                     draw: Optional[SLIMDraw]) -> Iterator[CleanReference]:
        """Around the clean forward pass: records clean statistics and the drawn layer's feature."""
        reference = CleanReference()
        with recording_statistics(model, inputs, self.positions, self.eps) as statistics:
            if draw is None:
                yield reference
            else:
                with SLIMTerm.recording(model, draw, self.slim_scale) as term:
                    yield reference
                reference.slim_feature = term.clean_feature
        reference.statistics = {position: statistics[position] for position in self.positions}

    def generate(self, model: nn.Module, inputs: Tensor, reference: CleanReference,
                 draw: Optional[SLIMDraw], task_loss: Callable[[Tensor], Tensor],
                 measure: bool = False) -> AdversarialStyle:
        """Ascend ``task_loss(x_adv) + lambda * L_dict`` (at the term's scale) with respect to the
        style statistics."""
        perturbation = StyleStatisticsPerturbation(reference.statistics, self.random_start, self.eps, self.rule)
        slim = SLIMTerm(draw, reference.slim_feature, self.slim_scale) if draw is not None else None
        result = ascend(model, inputs, perturbation, task_loss, steps=self.steps,
                        step_size=self.step_size * self.step_scale, norm_mode=self.norm_mode, slim=slim,
                        generator=self.streams['random_start'], measure_slim_ratio=measure and slim is not None)
        return AdversarialStyle(perturbation.as_statistics(result.state), result.objective, result.nonfinite_steps,
                                result.slim_ratio, result.slim_zero_gradients)

    @contextmanager
    def apply(self, model: nn.Module, inputs: Tensor, style: AdversarialStyle) -> Iterator[Tensor]:
        """Inside the block ``model`` re-styles its feature positions; yields the re-styled input."""
        perturbation = StyleStatisticsPerturbation(style.statistics, eps=self.eps)
        state = [s for pair in style.statistics.values() for s in pair]
        with perturbation.perturbed(model, inputs, state) as adversarial_inputs:
            yield adversarial_inputs

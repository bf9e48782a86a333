"""Adversarial style generation (AdvStyle) with optional stochastic loss integration (SLIM).

The adversary perturbs *style statistics* — per-sample, per-channel mean and standard deviation —
at one or more positions: the model input (``'input'``, image-level AdvStyle, Zhong et al., NeurIPS
2022) and/or the outputs of named modules (feature-level AdvStyle, e.g. ``'backbone.layer1'``).
Starting from the clean statistics (plus an optional uniform random start), it ascends

    L_adv = L_task(f(x_adv), y) + lambda * L_dict(f_l(x), f_l(x_adv))

for ``steps`` iterations, where the SLIM term (layer ``l``, loss ``L_dict`` and ``lambda``) comes
from a :class:`~.slim_sampler.SLIMSampler` draw and is absent for plain AdvStyle.

Use, around any model whose loss is a function of its input tensor::

    adversary = AdversarialStyleGenerator(['input'], step_size=0.1, slim=SLIMSampler([...]))
    adversary.check_names(model)                              # config errors, at build time
    draw = adversary.draw()                                   # None without SLIM
    with adversary.record_clean(model, inputs, draw) as reference:
        clean_loss = loss_of(model, inputs)                   # the forward that happens anyway
    style = adversary.generate(model, inputs, reference, draw, lambda x: loss_of(model, x))
    with adversary.apply(model, inputs, style) as adv_inputs:
        adv_loss = loss_of(model, adv_inputs)

Inner-loop conventions (why they are what they are):

- gradients are taken with ``torch.autograd.grad`` with respect to the style statistics only:
  no weight gradient is computed or accumulated, so the inner step costs one forward and a
  partial backward, and the model's ``.grad`` fields are untouched;
- the model stays in the mode the caller left it in (training, for a training step); by default
  (``norm_mode='batch'``) normalisation layers use the adversarial batch's own statistics, exactly
  as in the outer update on the same samples, with their running statistics frozen
  (:func:`.batchnorm.batchnorm_statistics_frozen`); ``norm_mode='running'`` normalises with the
  running statistics instead (evaluation behaviour). Neither mode changes any buffer;
- the returned statistics are detached: the outer update does not differentiate through the
  inner loop;
- a non-finite objective or gradient stops the ascent, keeps the last finite statistics, and is
  counted (``nonfinite_steps``) and warned about.
"""
import math
import warnings
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, Optional, Sequence, Tuple

import torch
from torch import Tensor, nn

from .batchnorm import NORM_MODES
from .feature_capture import capture_output
from .module_lookup import resolve_module
from .slim_sampler import SLIMDraw, SLIMSampler
from .style_statistics import restyle, style_statistics

INPUT = 'input'
Statistics = Dict[str, Tuple[Tensor, Tensor]]

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
    """The adversary's result: detached adversarial statistics per position."""
    statistics: Statistics
    objective: float


class AdversarialStyleGenerator:
    """Gradient-ascent adversary on style statistics, with an optional SLIM term.

    Args:
        positions: where styles are perturbed: ``'input'`` and/or dotted module names whose outputs
            are (N, C, H, W) tensors.
        steps: ascent iterations per generation.
        step_size: ascent step ``alpha``, in units of the statistics (for ``'input'`` after the data
            preprocessor's normalisation).
        rule: ``'sign'`` (``s <- s + alpha * sign(grad)``, the SLIM paper's Eq. 3) or ``'sgd'``
            (``s <- s + alpha * grad``, AdvStyle's published pseudo-code).
        random_start: half-width ``r`` of a uniform start ``s0 + U(-r, r)`` around the clean
            statistics. ``None`` means 0 without SLIM and ``DEFAULT_SLIM_RANDOM_START`` with it;
            an explicit 0 with SLIM and a single step is refused (the SLIM term would be inert).
        eps: added to the variance before the square root, and the floor of adversarial stds.
        norm_mode: normalisation layers inside the inner loop: ``'batch'`` (the adversarial batch's
            statistics, as in the outer update) or ``'running'`` (running statistics); see
            :mod:`.batchnorm`.
        slim: a :class:`SLIMSampler`, or ``None`` for plain AdvStyle.
        seed: seed of the random-start generator; ``None`` takes ``torch.initial_seed()``.
    """

    def __init__(self, positions: Sequence[str] = (INPUT,), steps: int = 1, step_size: float = 0.1,
                 rule: str = 'sign', random_start: Optional[float] = None, eps: float = 1e-6,
                 norm_mode: str = 'batch', slim: Optional[SLIMSampler] = None, seed: Optional[int] = None):
        self.positions = tuple(positions)
        if not self.positions:
            raise ValueError('the adversary needs at least one position (\'input\' or a module name)')
        if len(set(self.positions)) != len(self.positions):
            raise ValueError(f'positions repeat a name: {self.positions}')
        if steps < 1:
            raise ValueError(f'steps must be >= 1, got {steps}')
        if rule not in ('sign', 'sgd'):
            raise ValueError(f"rule must be 'sign' or 'sgd', got {rule!r}")
        if norm_mode not in NORM_MODES:
            raise ValueError(f'norm_mode must be one of {sorted(NORM_MODES)}, got {norm_mode!r}')
        if step_size < 0:
            raise ValueError(f'step_size must be >= 0, got {step_size}')
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
        self.generator = torch.Generator()
        self.generator.manual_seed(torch.initial_seed() if seed is None else seed)
        # Set by a schedule (e.g. a warm-up hook); multiplies step_size.
        self.step_scale = 1.0
        self.nonfinite_steps = 0

    # -- configuration -------------------------------------------------------------------------
    def check_names(self, model: nn.Module) -> None:
        """Fail early, listing valid names, if a position or SLIM layer is not a module of ``model``."""
        for position in self.positions:
            if position != INPUT:
                resolve_module(model, position, role='style position')
        for layer in self.slim.layers if self.slim is not None else ():
            resolve_module(model, layer, role='SLIM candidate layer')

    def draw(self) -> Optional[SLIMDraw]:
        return self.slim.draw() if self.slim is not None else None

    # -- the three phases ----------------------------------------------------------------------
    @contextmanager
    def record_clean(self, model: nn.Module, inputs: Tensor,
                     draw: Optional[SLIMDraw]) -> Iterator[CleanReference]:
        """Around the clean forward pass: records clean statistics and the drawn layer's feature."""
        reference = CleanReference()
        if INPUT in self.positions:
            reference.statistics[INPUT] = tuple(s.detach() for s in style_statistics(inputs, self.eps))

        def recorder(position: str):
            def record(_module, _inputs, output):
                reference.statistics[position] = tuple(
                    s.detach() for s in style_statistics(_four_d(output, position), self.eps))
            return record

        with ExitStack() as stack:
            for position in self.positions:
                if position != INPUT:
                    handle = resolve_module(model, position).register_forward_hook(recorder(position))
                    stack.callback(handle.remove)
            slim_module = resolve_module(model, draw.layer) if draw is not None else None
            captured = stack.enter_context(capture_output(slim_module, detach=True))
            yield reference
            if draw is not None:
                reference.slim_feature = captured.feature
        missing = [p for p in self.positions if p not in reference.statistics]
        if missing:
            raise RuntimeError(f'style positions {missing} produced no output in the clean forward pass')

    def generate(self, model: nn.Module, inputs: Tensor, reference: CleanReference,
                 draw: Optional[SLIMDraw], task_loss: Callable[[Tensor], Tensor]) -> AdversarialStyle:
        """Ascend ``task_loss(x_adv) + lambda * L_dict`` with respect to the style statistics."""
        statistics = {position: self._start(mean, std)
                      for position, (mean, std) in reference.statistics.items()}
        leaves = [t for pair in statistics.values() for t in pair]
        alpha = self.step_size * self.step_scale
        objective_value = float('nan')
        slim_module = resolve_module(model, draw.layer) if draw is not None else None
        with NORM_MODES[self.norm_mode](model):
            for _ in range(self.steps):
                with torch.enable_grad(), self._styled(model, inputs, statistics) as adv_inputs, \
                        capture_output(slim_module) as captured:
                    objective = task_loss(adv_inputs)
                    if draw is not None:
                        objective = objective + draw.dictionary_term(reference.slim_feature, captured.feature)
                grads = torch.autograd.grad(objective, leaves, allow_unused=True)
                grads = [torch.zeros_like(t) if g is None else g for t, g in zip(leaves, grads)]
                # One device-to-host sync for the whole check, not one per tensor.
                finite = torch.stack([torch.isfinite(objective)] + [torch.isfinite(g).all() for g in grads]).all()
                if not finite:
                    self._count_nonfinite(objective)
                    break
                objective_value = float(objective.detach())
                with torch.no_grad():
                    for leaf, grad in zip(leaves, grads):
                        leaf.add_(alpha * (grad.sign() if self.rule == 'sign' else grad))
                    for _, std in statistics.values():
                        std.clamp_(min=self.eps)
        return AdversarialStyle({position: (mean.detach(), std.detach())
                                 for position, (mean, std) in statistics.items()}, objective_value)

    @contextmanager
    def apply(self, model: nn.Module, inputs: Tensor, style: AdversarialStyle) -> Iterator[Tensor]:
        """Inside the block ``model`` re-styles its feature positions; yields the re-styled input."""
        with self._styled(model, inputs, style.statistics) as adv_inputs:
            yield adv_inputs

    # -- state (for resuming) ------------------------------------------------------------------
    def get_state(self) -> Tensor:
        """The random generators' states and the non-finite count, packed into one uint8 tensor
        (frameworks that broadcast or serialise state dicts handle plain tensors best)."""
        parts = [self.generator.get_state()]
        if self.slim is not None:
            parts.append(self.slim.state_dict()['generator'])
        parts.append(torch.tensor([self.nonfinite_steps], dtype=torch.int64).view(torch.uint8))
        return torch.cat(parts)

    def set_state(self, state: Tensor) -> None:
        size = self.generator.get_state().numel()
        expected = size * (2 if self.slim is not None else 1) + 8
        if state.numel() != expected:
            raise ValueError(f'adversary state has {state.numel()} bytes, expected {expected}: was it '
                             'saved with a different SLIM setting (slim on/off)?')
        state = state.to(torch.uint8).cpu()
        self.generator.set_state(state[:size].clone())
        if self.slim is not None:
            self.slim.load_state_dict({'generator': state[size:2 * size].clone()})
        self.nonfinite_steps = int(state[-8:].clone().view(torch.int64))

    # -- internals -----------------------------------------------------------------------------
    def _start(self, mean: Tensor, std: Tensor) -> Tuple[Tensor, Tensor]:
        mean, std = mean.detach().clone(), std.detach().clone()
        if self.random_start > 0:
            for stat in (mean, std):
                noise = torch.rand(stat.shape, generator=self.generator, dtype=torch.float32)
                stat.add_(((2 * noise - 1) * self.random_start).to(stat))
            std.clamp_(min=self.eps)
        return mean.requires_grad_(), std.requires_grad_()

    @contextmanager
    def _styled(self, model: nn.Module, inputs: Tensor, statistics: Statistics) -> Iterator[Tensor]:
        def restyler(position: str):
            mean, std = statistics[position]
            return lambda _module, _inputs, output: restyle(_four_d(output, position), mean, std, self.eps)

        with ExitStack() as stack:
            for position in statistics:
                if position != INPUT:
                    handle = resolve_module(model, position).register_forward_hook(restyler(position))
                    stack.callback(handle.remove)
            if INPUT in statistics:
                yield restyle(inputs, *statistics[INPUT], self.eps)
            else:
                yield inputs

    def _count_nonfinite(self, objective: Tensor) -> None:
        self.nonfinite_steps += 1
        warnings.warn(f'adversarial style step skipped: non-finite objective or gradient '
                      f'(objective={float(objective.detach()):.4g}); {self.nonfinite_steps} such step(s) '
                      f'so far. The last finite statistics are used.', RuntimeWarning)


def _four_d(output, position: str) -> Tensor:
    if not isinstance(output, Tensor) or output.dim() != 4:
        kind = tuple(output.shape) if isinstance(output, Tensor) else type(output).__name__
        raise TypeError(f'style position {position!r} must output an (N, C, H, W) tensor, got {kind}')
    return output

"""The one gradient-ascent loop behind every adversary of the project.

Style statistics (AdvStyle), pixel perturbations (PGD inside adversarial training and robustness
evaluation) and any future perturbation share it: a *perturbation* says what the ascended tensors
are, where they start, how they enter the model and how they are projected; this loop ascends

    objective(x_adv) [+ lambda * L_dict(f_l(x), f_l(x_adv))   (SLIM, when a term is given)]

for ``steps`` iterations with the update rule

- ``'sign'``: ``s <- s + alpha * sign(g)`` (the SLIM paper's Eq. 3, L-infinity PGD);
- ``'sgd'``:  ``s <- s + alpha * g`` (AdvStyle's published pseudo-code);
- ``'l2'``:   ``s <- s + alpha * g / ||g||_2`` per sample (L2 PGD),

followed by the perturbation's projection. Conventions, and why:

- gradients are taken with ``torch.autograd.grad`` with respect to the perturbation only: no
  weight gradient is computed, and the model's ``.grad`` fields are untouched;
- normalisation layers follow ``norm_mode`` (:mod:`.batchnorm`): no buffer changes in any mode,
  and the model's train/eval modes are as they were afterwards;
- a non-finite objective or gradient stops the ascent, keeps the last finite perturbation and
  warns; the result counts it (callers keep the running total for their logs).
"""
import warnings
from dataclasses import dataclass
from typing import Callable, List, Optional, Protocol, Sequence

import torch
from torch import Tensor, nn

from .batchnorm import NORM_MODES
from .feature_capture import capture_output
from .slim_term import SLIMTerm

RULES = ('sign', 'sgd', 'l2')


class Perturbation(Protocol):
    """What :func:`ascend` needs from a perturbation (see :mod:`.perturbations`)."""
    default_rule: str

    def start(self, inputs: Tensor, generator: Optional[torch.Generator]) -> List[Tensor]:
        """The ascended tensors at their starting point (leaves that require grad)."""

    def perturbed(self, model: nn.Module, inputs: Tensor, state: Sequence[Tensor]):
        """A context manager yielding the model input; inside it the model is perturbed."""

    def project(self, inputs: Tensor, state: Sequence[Tensor]) -> None:
        """In place, without grad: back into the allowed set after a step."""


@dataclass
class AscentResult:
    inputs: Tensor            # the perturbed model input, detached (``inputs`` itself for feature-only perturbations)
    state: List[Tensor]       # the ascended tensors, detached
    objective: float          # the last finite objective (nan when the first one was not)
    nonfinite_steps: int      # 1 when the ascent stopped at a non-finite step, else 0


def check_ascent(steps: int, step_size: float, rule: Optional[str], norm_mode: str) -> None:
    """Configuration errors, raised where adversaries are built."""
    if steps < 1:
        raise ValueError(f'steps must be >= 1, got {steps}')
    if step_size < 0:
        raise ValueError(f'step_size must be >= 0, got {step_size}')
    if rule is not None and rule not in RULES:
        raise ValueError(f'rule must be one of {RULES}, got {rule!r}')
    if norm_mode not in NORM_MODES:
        raise ValueError(f'norm_mode must be one of {sorted(NORM_MODES)}, got {norm_mode!r}')


def ascend(model: nn.Module, inputs: Tensor, perturbation: Perturbation,
           objective: Callable[[Tensor], Tensor], *, steps: int, step_size: float,
           rule: Optional[str] = None, norm_mode: str = 'batch', slim: Optional[SLIMTerm] = None,
           generator: Optional[torch.Generator] = None) -> AscentResult:
    """Ascend ``objective`` (a function of the perturbed input that runs ``model`` and returns a
    scalar) with respect to ``perturbation``'s tensors; ``rule`` defaults to the perturbation's."""
    rule = rule or perturbation.default_rule
    check_ascent(steps, step_size, rule, norm_mode)
    state = perturbation.start(inputs, generator)
    slim_module = slim.module(model) if slim is not None else None
    last_finite, nonfinite = None, 0
    with NORM_MODES[norm_mode](model):
        for _ in range(steps):
            with torch.enable_grad(), perturbation.perturbed(model, inputs, state) as model_inputs, \
                    capture_output(slim_module) as captured:
                value = objective(model_inputs)
                if slim is not None:
                    value = value + slim.value(captured.feature)
            grads = torch.autograd.grad(value, state, allow_unused=True)
            grads = [torch.zeros_like(t) if g is None else g for t, g in zip(state, grads)]
            # A NaN or inf anywhere propagates into the sum: one reduction pass per gradient (cheaper
            # than isfinite + all) and one device-to-host sync for the whole check.
            if not torch.isfinite(value.detach() + sum(g.sum() for g in grads)):
                nonfinite = 1
                warnings.warn(f'adversarial ascent stopped: non-finite objective or gradient '
                              f'(objective={float(value.detach()):.4g}); the last finite perturbation is kept',
                              RuntimeWarning)
                break
            last_finite = value.detach()  # read once, after the loop: no extra host sync per step
            with torch.no_grad():
                for tensor, grad in zip(state, grads):
                    tensor.add_(_direction(grad, rule), alpha=step_size)
                perturbation.project(inputs, state)
    state = [t.detach() for t in state]
    with torch.no_grad(), perturbation.perturbed(model, inputs, state) as model_inputs:
        adversarial_inputs = model_inputs.detach()
    objective_value = float(last_finite) if last_finite is not None else float('nan')
    return AscentResult(adversarial_inputs, state, objective_value, nonfinite)


def _direction(grad: Tensor, rule: str) -> Tensor:
    if rule == 'sign':
        return grad.sign()
    if rule == 'sgd':
        return grad
    norms = grad.flatten(1).norm(dim=1).clamp_min(1e-12)
    return grad / norms.view(-1, *([1] * (grad.dim() - 1)))

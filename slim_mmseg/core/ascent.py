"""The one gradient-ascent loop behind every adversary of the project.

Style statistics (AdvStyle), pixel perturbations (PGD inside adversarial training and robustness
evaluation) and any future perturbation share it: a *perturbation* says what the ascended tensors
are, where they start, how they enter the model and how they are projected; this loop ascends

    objective(x_adv) [+ lambda * L_dict(f_l(x), f_l(x_adv))   (SLIM, when a term is given)]

for ``steps`` iterations with the update rule

- ``'sign'``: ``s <- s + alpha * sign(g)`` (the SLIM paper's Eq. 3, L-infinity PGD);
- ``'sgd'``:  ``s <- s + alpha * g`` (AdvStyle's published pseudo-code);
- ``'l2'``:   ``s <- s + alpha * g / ||g||_2`` per sample (L2 PGD),

followed by the perturbation's projection. The SLIM term enters at its scale (:mod:`.slim_term`):
added to the objective (``'mean'``, ``'paper'``), or mixed by gradient norms (``'balanced'``: the
dictionary gradient is taken first — its backward stops at layer ``l`` — then the task gradient, and
:func:`.slim_balance.balance` mixes them per sample). Conventions, and why:

- gradients are taken with ``torch.autograd.grad`` with respect to the perturbation only: no
  weight gradient is computed, and the model's ``.grad`` fields are untouched;
- normalisation layers follow ``norm_mode`` (:mod:`.batchnorm`): no buffer changes in any mode,
  and the model's train/eval modes are as they were afterwards;
- no host synchronisation per step: a non-finite objective or gradient freezes the perturbation at
  its last finite value for the remaining steps (the steps still run; on a GPU, reading the flag to
  break out would stall every step), and the result counts it. Callers log the count; evaluation
  code can call :meth:`AscentResult.warn_if_stopped` (one host read);
- under float16 autocast the objective is multiplied by ``FLOAT16_GRADIENT_SCALE`` times the batch
  size before ``autograd.grad`` and the gradients divided back (as a GradScaler does for weights):
  unscaled, the input gradients of a batch-mean loss underflow float16 and a ``sign`` step does not
  move those pixels. ``sign`` and ``l2`` do not depend on the scale; ``sgd`` gets the unscaled gradient.
"""
import warnings
from dataclasses import dataclass
from typing import Callable, List, Optional, Protocol, Sequence, Tuple

import torch
from torch import Tensor, nn

from .batchnorm import NORM_MODES
from .feature_capture import CapturedOutput, capture_output
from .slim_balance import balance, per_sample_norm
from .slim_term import SLIMTerm

RULES = ('sign', 'sgd', 'l2')

#: Per-sample loss scale under float16 autocast: the objective is a batch mean, so ``1024 * N`` gives
#: every sample's loss a factor 1024 (GradScaler starts whole-batch weight gradients at 2**16 and
#: settles around 2**10 to 2**16 per batch of a hundred on CNNs: the same order per sample).
FLOAT16_GRADIENT_SCALE = 1024.0


class Perturbation(Protocol):
    """What :func:`ascend` needs from a perturbation (see :mod:`.perturbations`)."""
    default_rule: str

    def start(self, inputs: Tensor, generator: Optional[torch.Generator]) -> List[Tensor]:
        """The ascended tensors at their starting point (leaves that require grad)."""

    def perturbed(self, model: nn.Module, inputs: Tensor, state: Sequence[Tensor]):
        """A context manager yielding the model input; inside it the model is perturbed."""

    def project(self, inputs: Tensor, state: Sequence[Tensor]) -> None:
        """In place, without grad: back into the allowed set after a step. Idempotent."""


@dataclass
class AscentResult:
    inputs: Tensor            # the perturbed model input, detached (``inputs`` itself for feature-only perturbations)
    state: List[Tensor]       # the ascended tensors, detached
    objective: Tensor         # 0-d: the last finite objective (task + SLIM term; the task alone when 'balanced'), nan if none
    nonfinite_steps: Tensor   # 0-d int: 1 when the ascent froze at a non-finite step, else 0
    slim_ratio: Optional[Tensor] = None  # (N,): ||SLIM part of the step's gradient|| / ||task gradient|| at step 1, when measured
    slim_zero_gradients: Optional[Tensor] = None  # 0-d int, 'balanced': samples x steps with a zero task or dictionary gradient

    def warn_if_stopped(self, where: str) -> None:
        """One host read: warns when the ascent froze at a non-finite step."""
        if bool(self.nonfinite_steps):
            warnings.warn(f'{where}: adversarial ascent stopped at a non-finite objective or gradient '
                          f'(last finite objective {float(self.objective):.4g}); the last finite perturbation '
                          f'was kept', RuntimeWarning)


def check_ascent(steps: int, step_size: float, rule: Optional[str], norm_mode: str) -> None:
    """Configuration errors, raised where adversaries are built."""
    if steps < 1:
        raise ValueError(f'steps must be >= 1, got {steps}')
    if step_size < 0:
        raise ValueError(f'step_size must be >= 0, got {step_size}')
    if rule is not None and rule not in RULES:
        raise ValueError(f'rule must be one of {RULES}, got {rule!r}')
    NORM_MODES.get(norm_mode)


def ascend(model: nn.Module, inputs: Tensor, perturbation: Perturbation,
           objective: Callable[[Tensor], Tensor], *, steps: int, step_size: float,
           rule: Optional[str] = None, norm_mode: str = 'batch', slim: Optional[SLIMTerm] = None,
           generator: Optional[torch.Generator] = None, measure_slim_ratio: bool = False,
           gradient_scale: Optional[float] = None) -> AscentResult:
    """Ascend ``objective`` (a function of the perturbed input that runs ``model`` and returns a
    scalar) with respect to ``perturbation``'s tensors; ``rule`` defaults to the perturbation's.
    ``measure_slim_ratio`` measures the SLIM-to-task gradient ratio at the first step (one more
    backward for ``'mean'``/``'paper'``; free for ``'balanced'``). ``gradient_scale`` overrides the
    automatic float16 loss scale (``1`` outside float16 autocast)."""
    rule = rule or perturbation.default_rule
    check_ascent(steps, step_size, rule, norm_mode)
    state = perturbation.start(inputs, generator)
    slim_module = slim.module(model) if slim is not None else None
    scale = _autocast_gradient_scale(inputs) if gradient_scale is None else float(gradient_scale)
    running = torch.ones((), dtype=torch.bool, device=inputs.device)
    last = torch.full((), float('nan'), device=inputs.device)  # dtype follows the objective's from step 1
    slim_ratio, zero_gradients = None, None
    with NORM_MODES.get(norm_mode)(model):
        for step in range(steps):
            with torch.enable_grad(), perturbation.perturbed(model, inputs, state) as model_inputs, \
                    capture_output(slim_module) as captured:
                task = objective(model_inputs)
                grads, value, ratio, zeros = _gradients(task, slim, captured, state, scale,
                                                        measure=measure_slim_ratio and step == 0)
            slim_ratio = ratio if ratio is not None else slim_ratio
            if zeros is not None:
                zero_gradients = zeros if zero_gradients is None else zero_gradients + zeros
            # NaN or inf anywhere propagates into the sum: one reduction per gradient, no host read.
            running = running & torch.isfinite(value.detach() + sum(g.sum() for g in grads))
            last = torch.where(running, value.detach(), last.to(value.dtype))
            with torch.no_grad():
                for tensor, grad in zip(state, grads):
                    stepped = torch.add(tensor, _direction(grad, rule), alpha=step_size)
                    tensor.copy_(torch.where(running, stepped, tensor))
                perturbation.project(inputs, state)
    state = [t.detach() for t in state]
    with torch.no_grad(), perturbation.perturbed(model, inputs, state) as model_inputs:
        adversarial_inputs = model_inputs.detach()
    return AscentResult(adversarial_inputs, state, last, (~running).long(), slim_ratio, zero_gradients)


def _gradients(task: Tensor, slim: Optional[SLIMTerm], captured: CapturedOutput, state: Sequence[Tensor],
               scale: float, measure: bool) -> Tuple[List[Tensor], Tensor, Optional[Tensor], Optional[Tensor]]:
    """``(gradients, objective value, SLIM ratio or None, zero-gradient count or None)`` of one step."""
    if slim is None:
        return _grad(task, state, scale), task, None, None
    per_sample = slim.per_sample(captured.feature)
    weights = slim.weights(per_sample)
    if slim.balanced:
        dictionary = _grad(per_sample.sum(), state, scale, retain_graph=True)
        grads, stats = balance(_grad(task, state, scale), dictionary, weights)
        zeros = (stats.zero_task | stats.zero_dict).sum()
        return grads, task, stats.ratio if measure else None, zeros
    value = task + (weights * per_sample).mean()
    if not measure:
        return _grad(value, state, scale), value, None, None
    # The step uses the gradient of the sum, exactly as on unmeasured steps (a logging interval must
    # not change the run); the SLIM part's own gradient only measures the ratio.
    part = _grad((weights * per_sample).mean(), state, scale, retain_graph=True)
    grads = _grad(value, state, scale)
    task_norm = per_sample_norm([g - p for g, p in zip(grads, part)])
    ratio = torch.where(task_norm > 0, per_sample_norm(part) / task_norm.clamp_min(1e-30),
                        torch.full_like(task_norm, float('nan')))
    return grads, value, ratio, None


def _grad(value: Tensor, state: Sequence[Tensor], scale: float, retain_graph: bool = False) -> List[Tensor]:
    grads = torch.autograd.grad(value * scale if scale != 1 else value, state, allow_unused=True,
                                retain_graph=retain_graph)
    return [torch.zeros_like(t) if g is None else (g / scale if scale != 1 else g) for t, g in zip(state, grads)]


def _autocast_gradient_scale(inputs: Tensor) -> float:
    device = inputs.device.type
    if torch.is_autocast_enabled(device) and torch.get_autocast_dtype(device) == torch.float16:
        return FLOAT16_GRADIENT_SCALE * inputs.shape[0]
    return 1.0


def _direction(grad: Tensor, rule: str) -> Tensor:
    if rule == 'sign':
        return grad.sign()
    if rule == 'sgd':
        return grad
    norms = grad.flatten(1).norm(dim=1).clamp_min(1e-12)
    return grad / norms.view(-1, *([1] * (grad.dim() - 1)))

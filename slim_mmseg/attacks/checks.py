"""Warnings that a robustness number may be inflated by gradient masking.

The ideas of auto-attack's ``checks.py`` (Croce et al., fra31/auto-attack; the same file ships in
``pyautoattack``), re-implemented as functions that return a message (``None``: passed), and
:func:`masking_checks`, which runs them, emits each message as a :class:`RobustnessCheckWarning`
and counts them:

- **randomised model**: ``repeats`` forward passes of the same batch disagree (L2 distance of the
  L2-normalised outputs above ``1e-4``, or a different number of correct points), so a fixed
  adversarial example is not a fixed point: use an EOT attack (auto-attack's ``version='rand'``);
- **probability outputs**: outputs lie in [0, 1] and sum to 1 per row: the model returns softmax
  probabilities, whose saturation flattens cross-entropy gradients; attacks need logits;
- **zero gradients**: points whose input gradient of cross-entropy is exactly zero, on which every
  gradient attack stands still;
- **Square beats the gradient attacks**: the gradient-free Square attack (``pyautoattack``'s
  ``SquareAttack``, ``p_init=0.8`` as auto-attack's standard version) leaves fewer points correct
  than the best gradient attack by more than ``0.2`` percentage points (auto-attack's
  ``check_square_sr`` margin ``alpha=.002``): the gradients mislead, the robustness is masking.
"""
import warnings
from dataclasses import dataclass, field
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from pyautoattack.square import SquareAttack
from torch import Tensor, nn

from ..core import evaluation_mode
from .base import check_epsilon, frozen_parameters, predicted_correct


class RobustnessCheckWarning(UserWarning):
    """An evaluation sanity check failed: the robust accuracy may be overstated."""


def check_randomised(model: nn.Module, images: Tensor, labels: Tensor, repeats: int = 5,
                     tolerance: float = 1e-4) -> Optional[str]:
    with torch.no_grad():
        outputs = [model(images) for _ in range(repeats)]
    normalised = [o.flatten(1) / (o.flatten(1).norm(dim=1, keepdim=True) + 1e-10) for o in outputs]
    spread = max((a - b).norm(dim=1).max().item() for a in normalised for b in normalised)
    correct = {int((o.argmax(1) == labels).sum()) for o in outputs}
    if spread > tolerance or len(correct) > 1:
        return (f'randomised model: {repeats} passes of the same batch differ (max normalised L2 distance '
                f'{spread:.3g}, correct counts {sorted(correct)}); evaluate with an EOT attack')
    return None


def check_probability_outputs(model: nn.Module, images: Tensor, tolerance: float = 1e-5) -> Optional[str]:
    with torch.no_grad():
        outputs = model(images)
    if outputs.max() < 1 + tolerance and outputs.min() > -tolerance and \
            ((outputs.sum(-1) - 1).abs() < tolerance).all():
        return 'probability outputs: the model returns a distribution per row; attack its logits instead'
    return None


def check_zero_gradients(model: nn.Module, images: Tensor, labels: Tensor) -> Optional[str]:
    inputs = images.detach().clone().requires_grad_()
    with torch.enable_grad():
        gradient, = torch.autograd.grad(F.cross_entropy(model(inputs), labels, reduction='sum'), inputs)
    zero = int((gradient.flatten(1).abs().sum(dim=1) == 0).sum())
    if zero:
        return (f'zero gradients: {zero} of {len(images)} points have an all-zero input gradient; '
                f'gradient attacks cannot move them')
    return None


def check_square_beats_gradient(model: nn.Module, images: Tensor, labels: Tensor, gradient_correct: Tensor,
                                eps: float, norm: str = 'Linf', queries: int = 1000, seed: int = 0,
                                margin: float = 0.002) -> Optional[str]:
    square = SquareAttack(model, p_init=.8, n_queries=queries, eps=eps, norm=norm, n_restarts=1, seed=seed,
                          verbose=False, device=images.device, resc_schedule=False)
    with torch.no_grad():
        square_accuracy = predicted_correct(model, square.perturb(images, labels), labels).float().mean().item()
    gradient_accuracy = gradient_correct.float().mean().item()
    if square_accuracy < gradient_accuracy - margin:
        return (f'Square ({queries} queries) beats the gradient attacks: accuracy {square_accuracy:.2%} vs '
                f'{gradient_accuracy:.2%}; the gradients are likely masked, so the robust accuracy is overstated')
    return None


@dataclass
class CheckReport:
    messages: Dict[str, str] = field(default_factory=dict)   # check name -> message, failed checks only

    @property
    def count(self) -> int:
        return len(self.messages)


def masking_checks(model: nn.Module, images: Tensor, labels: Tensor, gradient_correct: Optional[Tensor] = None,
                   eps: Optional[float] = None, norm: str = 'Linf', square_queries: int = 1000,
                   seed: int = 0) -> CheckReport:
    """Runs every check on one batch (model in evaluation mode, parameters untouched); the Square
    comparison runs when ``gradient_correct`` ((N,) bool, a point survived every gradient attack)
    and ``eps`` are given. Each failed check is warned once and recorded in the report."""
    check_epsilon(eps)
    report = CheckReport()
    with evaluation_mode(model), frozen_parameters(model):
        results = {'randomised': check_randomised(model, images, labels),
                   'probability_outputs': check_probability_outputs(model, images),
                   'zero_gradients': check_zero_gradients(model, images, labels)}
        if gradient_correct is not None and eps is not None:
            results['square_beats_gradient'] = check_square_beats_gradient(
                model, images, labels, gradient_correct, eps, norm, square_queries, seed)
    for name, message in results.items():
        if message is not None:
            report.messages[name] = message
            warnings.warn(message, RobustnessCheckWarning)
    return report

"""What every robustness-evaluation attack shares: input checks and a model left as it was found.

An :class:`Attack` maps clean images in [0, 1] and their labels to adversarial images. Around
:meth:`Attack.perturb` (each attack's algorithm) it

- checks the images are in [0, 1] (budgets are in pixel units: an image in [0, 255] or normalised
  would silently change what ``eps`` means);
- runs the model in evaluation mode (BatchNorm on running statistics, dropout off), as every
  reference evaluation does (TRADES' ``pgd_attack_cifar10.py``, auto-attack's README), and restores
  each module's own mode afterwards;
- for attacks that call ``backward`` (:attr:`Attack.calls_backward`; the official AutoAttack
  code's FAB does), switches ``requires_grad`` off on the parameters so that no ``.grad``
  accumulates on them, and restores the flags. The others take input gradients with
  ``torch.autograd.grad``, which never touches ``.grad``, so they leave the flags alone.

Gradients w.r.t. the inputs are unaffected. No attack writes parameters, buffers or ``.grad``
(tested). Subclasses set :attr:`name` and implement :meth:`perturb`; :attr:`eps` is ``None`` for
attacks without a norm ball (SSA).
"""
from contextlib import contextmanager, nullcontext
from typing import Iterator, Optional

import torch
from torch import Tensor, nn

from ..core import check_unit_range, evaluation_mode


def check_epsilon(eps: Optional[float]) -> None:
    """A budget for [0, 1] images: 8 instead of 8/255 is a unit error, not a huge attack."""
    if eps is None:
        return
    if eps < 0:
        raise ValueError(f'eps must be >= 0, got {eps}')
    if eps > 1:
        raise ValueError(f'eps={eps} is larger than the whole [0, 1] pixel range: attacks take eps in '
                         f'[0, 1] image units, e.g. 8/255 (= {8 / 255:.5f}), not 8')


@contextmanager
def frozen_parameters(model: nn.Module) -> Iterator[None]:
    """Parameters do not require grad inside the block; the flags are restored afterwards."""
    flags = [(parameter, parameter.requires_grad) for parameter in model.parameters()]
    for parameter, _ in flags:
        parameter.requires_grad_(False)
    try:
        yield
    finally:
        for parameter, flag in flags:
            parameter.requires_grad_(flag)


class Attack:
    """Base class: ``attack(images, labels) -> adversarial images`` (same shape, detached).

    Args:
        model: maps (N, C, H, W) images in [0, 1] to (N, K) logits.
        eps: radius of the threat model in [0, 1] pixel units, or ``None`` (no ball).
    """
    name = 'attack'
    calls_backward = False

    def __init__(self, model: nn.Module, eps: Optional[float] = None):
        check_epsilon(eps)
        self.model = model
        self.eps = None if eps is None else float(eps)

    def __call__(self, images: Tensor, labels: Tensor) -> Tensor:
        if images.dim() < 2 or labels.shape[:1] != images.shape[:1]:
            raise ValueError(f'{self.name}: expected images (N, ...) and labels (N, ...), got '
                             f'{tuple(images.shape)} and {tuple(labels.shape)}')
        check_unit_range(images)
        with evaluation_mode(self.model), frozen_parameters(self.model) if self.calls_backward else nullcontext():
            adversarial = self.perturb(images.detach(), labels.detach())
        return adversarial.detach()

    def perturb(self, images: Tensor, labels: Tensor) -> Tensor:
        raise NotImplementedError(f'{type(self).__name__} must implement perturb(images, labels)')


class Clean(Attack):
    """No attack: the clean accuracy column."""
    name = 'clean'

    def perturb(self, images: Tensor, labels: Tensor) -> Tensor:
        return images.clone()


def predicted_correct(model: nn.Module, images: Tensor, labels: Tensor) -> Tensor:
    """(N,) bool: the model's top-1 prediction on ``images`` equals ``labels`` (evaluation mode)."""
    with torch.no_grad(), evaluation_mode(model):
        return model(images).argmax(dim=1) == labels

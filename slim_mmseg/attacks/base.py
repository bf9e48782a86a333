"""What every robustness-evaluation attack shares: input checks, a model left as it was found, the
registry of attacks by name and what a command line needs to build each one.

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

Attacks are registered by name in :data:`ATTACKS` (``@ATTACKS.register('pgd20')`` on the class).
Each class also declares what a command line needs to build it, so that ``tools/robust_test.py``
holds no per-attack code: :meth:`Attack.add_arguments` adds its options to the parser and
:meth:`Attack.options_from_args` turns them (with an :class:`AttackContext`: the model, the seed,
where to cache) into its keyword arguments.
"""
import argparse
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

import torch
from torch import Tensor, nn

from ..core import Registry, check_unit_range, evaluation_mode

ATTACKS = Registry('attack')


def check_epsilon(eps: Optional[float]) -> None:
    """A budget for [0, 1] images: 8 instead of 8/255 is a unit error, not a huge attack."""
    if eps is None:
        return
    if eps < 0:
        raise ValueError(f'eps must be >= 0, got {eps}')
    if eps > 1:
        raise ValueError(f'eps={eps} is larger than the whole [0, 1] pixel range: attacks take eps in '
                         f'[0, 1] image units, e.g. 8/255 (= {8 / 255:.5f}), not 8')


def parse_epsilon(text: str) -> float:
    """``'8/255'``, ``'0.5/255'`` or ``'0.031'`` -> float in [0, 1] pixel units; ``'8'`` is refused (unit error)."""
    try:
        numerator, _, denominator = text.strip().partition('/')
        value = float(numerator) / float(denominator or 1)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f'cannot read eps {text!r}: write a number or a fraction such as 8/255') from None
    check_epsilon(value)
    return value


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


@dataclass
class AttackContext:
    """What a command-line tool knows besides the parsed options (:meth:`Attack.options_from_args`).

    Args:
        model: the classifier under attack ((N, C, H, W) images in [0, 1] -> (N, K) logits).
        seed: the run's seed.
        work_dir: where an attack may cache what it trains (LAFEAT's heads).
        checkpoint, checkpoint_sha256: the checkpoint evaluated and its hash (cache keys).
        train_images: ``train_images(count)``: the first ``count`` training images, on the model's device.
    """
    model: nn.Module
    seed: int
    work_dir: Path
    checkpoint: str
    checkpoint_sha256: str
    train_images: Callable[[int], Tensor]


class Attack:
    """Base class: ``attack(images, labels) -> adversarial images`` (same shape, detached).

    Args:
        model: maps (N, C, H, W) images in [0, 1] to (N, K) logits.
        eps: radius of the threat model in [0, 1] pixel units, or ``None`` (no ball).
    """
    name = 'attack'
    calls_backward = False
    # False for attacks without a norm ball (SSA): create() does not pass them eps.
    uses_eps = True
    # A gradient attack inside the eps ball: what the gradient-masking checks (.checks) compare
    # with a black-box attack.
    gradient_in_ball = False

    def __init__(self, model: nn.Module, eps: Optional[float] = None):
        check_epsilon(eps)
        self.model = model
        self.eps = None if eps is None else float(eps)

    @classmethod
    def create(cls, model: nn.Module, eps: Optional[float], **options) -> 'Attack':
        """The attack with budget ``eps`` (ignored by attacks without a norm ball) and ``options``."""
        return cls(model, eps=eps, **options) if cls.uses_eps else cls(model, **options)

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        """Adds this attack's command-line options (``--<attack>-...``); none by default."""

    @classmethod
    def options_from_args(cls, args: argparse.Namespace, context: AttackContext) -> dict:
        """The constructor's keyword arguments from the options :meth:`add_arguments` added."""
        return {}

    @classmethod
    def batch_size_from_args(cls, args: argparse.Namespace) -> Optional[int]:
        """Images per attacked batch when the batch is a setting of the attack (SSA draws its negatives
        from it); ``None``: the tool's ``--batch-size``."""
        return None

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


@ATTACKS.register('clean')
class Clean(Attack):
    """No attack: the clean accuracy column."""
    name = 'clean'

    def perturb(self, images: Tensor, labels: Tensor) -> Tensor:
        return images.clone()


def predicted_correct(model: nn.Module, images: Tensor, labels: Tensor) -> Tensor:
    """(N,) bool: the model's top-1 prediction on ``images`` equals ``labels`` (evaluation mode)."""
    with torch.no_grad(), evaluation_mode(model):
        return model(images).argmax(dim=1) == labels

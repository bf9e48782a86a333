"""Additive pixel perturbations in an L-infinity or L2 ball (the PGD of Madry et al., ICLR 2018).

The ascended tensor is the adversarial image ``x_adv`` itself, kept in the ball around ``x``
and in [0, 1] after every step (``x_adv <- clip_[0,1](x + Pi_ball(x_adv - x))``), exactly the
update of torchattacks' ``PGD``/``PGDL2`` and of TRADES' / MART's attack loops. Inputs must be
images in [0, 1]: epsilon is in pixel units, so models normalise inside themselves.

Starts (``random_start``):

- ``'uniform'``: ``x + U(-eps, eps)`` (L-inf) or a random direction of uniform length <= eps (L2);
  Madry et al.'s ``cifar10_challenge`` (``"random_start": true``) and AWP's ``AT_AWP/train_cifar10.py``;
- ``'normal'``: ``x + normal_std * N(0, 1)`` with ``normal_std = 0.001``, as TRADES' ``trades.py``
  and MART's ``mart.py`` start their attacks;
- ``'none'``: ``x``.
"""
from contextlib import contextmanager
from typing import Iterator, List, Optional, Sequence

import torch
from torch import Tensor, nn

NORMS = ('Linf', 'L2')
STARTS = ('uniform', 'normal', 'none')


class PixelPerturbation:
    """``x_adv = x + delta`` with ``||delta|| <= eps`` and ``x_adv`` in [0, 1].

    Args:
        eps: radius of the ball, in pixel units of [0, 1] images (8/255, not 8).
        norm: ``'Linf'`` (ascended with the ``'sign'`` rule by default) or ``'L2'`` (``'l2'`` rule).
        random_start: ``'uniform'``, ``'normal'`` or ``'none'`` (see the module docstring).
        normal_std: standard deviation of the ``'normal'`` start.
    """

    def __init__(self, eps: float, norm: str = 'Linf', random_start: str = 'uniform', normal_std: float = 1e-3):
        if eps < 0:
            raise ValueError(f'eps must be >= 0, got {eps}')
        if norm == 'Linf' and eps > 1:
            raise ValueError(f'eps={eps} is larger than the whole [0, 1] pixel range: give it in [0, 1] '
                             f'units (e.g. 8/255, not 8)')
        if norm not in NORMS:
            raise ValueError(f'norm must be one of {NORMS}, got {norm!r}')
        if random_start not in STARTS:
            raise ValueError(f'random_start must be one of {STARTS}, got {random_start!r}')
        self.eps = float(eps)
        self.norm = norm
        self.random_start = random_start
        self.normal_std = float(normal_std)
        self.default_rule = 'sign' if norm == 'Linf' else 'l2'

    def start(self, inputs: Tensor, generator: Optional[torch.Generator]) -> List[Tensor]:
        check_unit_range(inputs)
        x = inputs.detach()
        if self.random_start == 'none':
            adversarial = x.clone()
        elif self.random_start == 'normal':
            adversarial = x + self.normal_std * _randn(x, generator)
        elif self.norm == 'Linf':
            adversarial = x + (2 * _rand(x, generator) - 1) * self.eps
        else:
            direction = _randn(x, generator)
            direction = direction / direction.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, *[1] * (x.dim() - 1))
            radius = _rand(x[:, :1, :1, :1] if x.dim() == 4 else x.flatten(1)[:, :1], generator)
            adversarial = x + direction * radius.view(-1, *[1] * (x.dim() - 1)) * self.eps
        state = [adversarial]
        with torch.no_grad():
            self.project(x, state)
        return [adversarial.requires_grad_()]

    @contextmanager
    def perturbed(self, model: nn.Module, inputs: Tensor, state: Sequence[Tensor]) -> Iterator[Tensor]:
        yield state[0]

    def project(self, inputs: Tensor, state: Sequence[Tensor]) -> None:
        adversarial = state[0]
        delta = adversarial - inputs
        if self.norm == 'Linf':
            delta = delta.clamp(-self.eps, self.eps)
        else:
            norms = delta.flatten(1).norm(dim=1).view(-1, *[1] * (delta.dim() - 1))
            delta = delta * (self.eps / norms.clamp_min(1e-12)).clamp(max=1.0)
        adversarial.copy_((inputs + delta).clamp(0.0, 1.0))


def check_unit_range(inputs: Tensor) -> None:
    """Pixel attacks measure epsilon in [0, 1] image units; anything else would silently rescale it."""
    low, high = torch.aminmax(inputs.detach())
    if bool((low < 0) | (high > 1)):  # one device-to-host read
        raise ValueError(f'pixel perturbations need images in [0, 1], got values in [{float(low):.3g}, '
                         f'{float(high):.3g}]: scale images to [0, 1] in the data preprocessor (mean 0, '
                         f'std 255) and normalise inside the model')


def _rand(like: Tensor, generator: Optional[torch.Generator]) -> Tensor:
    return torch.rand(like.shape, generator=generator, dtype=torch.float32,
                      device=generator.device if generator is not None else like.device).to(like)


def _randn(like: Tensor, generator: Optional[torch.Generator]) -> Tensor:
    return torch.randn(like.shape, generator=generator, dtype=torch.float32,
                       device=generator.device if generator is not None else like.device).to(like)

"""AutoAttack (Croce & Hein, ICML 2020) through the official attack code, PyPI's ``pyautoattack``.

``pyautoattack`` 0.2.0 ships fra31/auto-attack's attack files (APGD-CE, APGD-T, FAB-T, Square)
under a keyword-only wrapper: ``AutoAttack(model, *, attacks=None, device='cpu', eps=0.3,
norm='Linf', seed=None, version='standard')`` and ``run_standard_evaluation(x, y, /, *,
batch_size=250) -> (x_adv, y_adv)`` (its ``autoattack.py``). This adapter only fixes the arguments
and the model's state; the attacks, their order and their settings are the package's:

- ``version='standard'``: APGD-CE (100 iterations, 1 restart), APGD-T (9 target classes), FAB-T
  (9 targets), Square (5000 queries), each run on the points still robust (``_set_version``);
- ``version='custom'`` with ``attacks=[...]``: a subset (e.g. ``['apgd-ce']`` in fast tests).

Defaults here: ``eps=8/255`` (the package's default 0.3 is MNIST's), ``seed=0`` (the package's
``None`` seeds from the clock: not reproducible). Never torchattacks' ``AutoAttack`` (10 APGD
iterations instead of 100) and not robustbench 1.1.1 (it imports a missing ``autoattack`` module).
auto-attack's own sanity checks (randomised model, softmax outputs, ...) run inside and log to
``logging.getLogger('auto-attack')``; :mod:`.checks` ports them as counted warnings.

Example::

    attack = AutoAttackAdapter(model, eps=8 / 255, version='standard')
    adversarial = attack(images, labels)      # images (N, C, H, W) in [0, 1]
"""
import argparse
from typing import Optional, Sequence

from pyautoattack import AutoAttack
from torch import Tensor, nn

from .base import ATTACKS, Attack, AttackContext

VERSIONS = ('standard', 'plus', 'rand', 'custom')


@ATTACKS.register('autoattack')
class AutoAttackAdapter(Attack):
    """Args:
        model: (N, C, H, W) images in [0, 1] -> (N, K) logits (not probabilities).
        eps: ball radius in [0, 1] pixel units (default 8/255).
        norm: ``'Linf'``, ``'L2'`` or ``'L1'``.
        version: ``'standard'`` (default), ``'plus'``, ``'rand'`` or ``'custom'`` (give ``attacks``).
        attacks: with ``version='custom'``: names among apgd-ce, apgd-dlr, apgd-t, fab, fab-t, square.
        seed: seed of every attack's randomness (restarts, Square's proposals).
        batch_size: points per forward pass inside the package.
    """
    name = 'autoattack'
    calls_backward = True          # FAB's gradients (fab_pt.py) come from backward()
    gradient_in_ball = True

    def __init__(self, model: nn.Module, eps: float = 8 / 255, norm: str = 'Linf', version: str = 'standard',
                 attacks: Optional[Sequence[str]] = None, seed: int = 0, batch_size: int = 250):
        super().__init__(model, eps)
        if version not in VERSIONS:
            raise ValueError(f'AutoAttack version must be one of {VERSIONS}, got {version!r}')
        if (version == 'custom') != (attacks is not None):
            raise ValueError("give attacks=[...] exactly when version='custom' (the other versions fix "
                             'their own list)')
        self.norm = norm
        self.version = version
        self.attacks = None if attacks is None else list(attacks)
        self.seed = seed
        self.batch_size = batch_size

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument('--autoattack-version', default='standard', choices=[v for v in VERSIONS if v != 'custom'],
                            help='standard (default), plus or rand')

    @classmethod
    def options_from_args(cls, args: argparse.Namespace, context: AttackContext) -> dict:
        return dict(version=args.autoattack_version, seed=context.seed)

    def perturb(self, images: Tensor, labels: Tensor) -> Tensor:
        adversary = AutoAttack(self.model, norm=self.norm, eps=self.eps, version=self.version,
                               attacks=self.attacks, seed=self.seed, device=images.device)
        adversarial, _ = adversary.run_standard_evaluation(images, labels, batch_size=self.batch_size)
        return adversarial

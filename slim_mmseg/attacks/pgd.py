"""PGD-n, the white-box evaluation attack of Madry et al. (ICLR 2018), on the shared ascent core.

Cross-entropy is ascended with L-infinity sign steps (or L2 steps) from a random start inside the
ball; after every step the image is projected back onto the ball around ``x`` and into [0, 1].
The loop is :func:`slim_mmseg.core.ascend` with a :class:`~slim_mmseg.core.PixelPerturbation`, the
same loop adversarial training uses; this file only chooses the objective and the settings.

Defaults and where they come from:

- ``eps = 8/255``, ``steps = 20``: the CIFAR-10 L-infinity PGD-20 column of TRADES, MART, AWP
  and the SLIM paper (TRADES' ``pgd_attack_cifar10.py``: ``--epsilon 0.031``, ``--num-steps 20``);
- ``step_size = 2/255``: AWP's ``AT_AWP/train_cifar10.py`` evaluation (``pgd_alpha 2``). TRADES'
  ``pgd_attack_cifar10.py`` and MART's ``_pgd_whitebox`` use ``--step-size 0.003``: pass it to
  reproduce their numbers;
- ``random_start = 'uniform'``: ``x + U(-eps, eps)``, TRADES' script (``random.uniform_(-eps, eps)``).

The random start is drawn by a CPU generator and copied to the images' device, so a seed gives the
same starts on the CPU and on CUDA (and the same as ``AdversarialTestLoop``'s).

Example::

    attack = PGD(model, eps=8 / 255, steps=20, step_size=2 / 255, seed=0)
    adversarial = attack(images, labels)      # images (N, C, H, W) in [0, 1], labels (N,)
    # segmentation: logits (N, K, H, W), labels (N, H, W), e.g. ignore_index=255
"""
import argparse

import torch.nn.functional as F
from torch import Tensor, nn

from ..core import PixelPerturbation, ascend, seeded_generator
from .base import ATTACKS, Attack, AttackContext, parse_epsilon


@ATTACKS.register('pgd20')
class PGD(Attack):
    """Args:
        model: (N, C, H, W) images in [0, 1] -> (N, K) logits.
        eps: ball radius in [0, 1] pixel units (default 8/255).
        steps: ascent steps (default 20).
        step_size: step per iteration (default 2/255; TRADES' script: 0.003).
        norm: ``'Linf'`` (sign steps) or ``'L2'`` (normalised-gradient steps).
        random_start: ``'uniform'`` (default), ``'normal'`` or ``'none'`` (see ``PixelPerturbation``).
        seed: seed of the random start; each call restarts the stream, so a call is reproducible.
        ignore_index: label value left out of the loss (segmentation; default -100, PyTorch's).
    """
    name = 'pgd'
    gradient_in_ball = True

    def __init__(self, model: nn.Module, eps: float = 8 / 255, steps: int = 20, step_size: float = 2 / 255,
                 norm: str = 'Linf', random_start: str = 'uniform', seed: int = 0, ignore_index: int = -100):
        super().__init__(model, eps)
        self.perturbation = PixelPerturbation(eps, norm=norm, random_start=random_start)
        self.steps = steps
        self.step_size = step_size
        self.seed = seed
        self.ignore_index = ignore_index

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument('--pgd-step-size', default='2/255', help="PGD-20 step (TRADES' script: 0.003)")

    @classmethod
    def options_from_args(cls, args: argparse.Namespace, context: AttackContext) -> dict:
        return dict(step_size=parse_epsilon(args.pgd_step_size), seed=context.seed)

    def perturb(self, images: Tensor, labels: Tensor) -> Tensor:
        # Mean cross-entropy, as torchattacks' PGD (the sign step does not depend on the scale).
        def objective(adversarial: Tensor) -> Tensor:
            return F.cross_entropy(self.model(adversarial), labels, ignore_index=self.ignore_index)

        result = ascend(self.model, images, self.perturbation, objective, steps=self.steps,
                        step_size=self.step_size, norm_mode='eval', generator=seeded_generator(self.seed))
        result.warn_if_stopped('PGD')
        return result.inputs

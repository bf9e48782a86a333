"""SSA / SSAH: the semantic similarity attack of Luo et al., "Frequency-driven Imperceptible
Adversarial Attack on Semantic Similarity" (CVPR 2022), github LinQinLiang/SSAH-adversarial-attack.

The attack moves each image's feature (the pooled input of the classifier's linear layer) away
from its own clean feature and toward the least similar clean feature of the batch, fixed at the
first step (``attack/ssah_attack.py``). With ``s_p``, ``s_n`` the cosine similarities to the
positive (itself) and the negative, and margin ``m``:

    cost = alpha * sum relu(w_p * s_p - w_n * s_n) + lambda_lf * SmoothL1_sum(LF(x_adv), LF(x)),
    w_p = max(s_p - m, 0), w_n = max(1 + m - s_n, 0)   (both detached)

with ``LF`` the Haar low-frequency image (:mod:`.haar`). ``x_adv = (tanh(w) + 1) / 2`` and ``w`` is
optimised by Adam. No norm ball and no early stop: the size of the perturbation is an outcome, so
evaluations report accuracy over *all* samples (misclassified images are not attacked, as in the
repository's ``main.py``, so accuracy = clean accuracy x (1 - attack success rate)) together with
the mean L-infinity / L2 norms of the perturbations. ``lambda_lf = 0`` is what the repository's scripts call SSA
(``scripts/cifar/cifar10-r20.sh``: ``--lambda-lf=0.0``); 0.1 is SSAH.

Defaults (``ssah_attack.py``): 150 steps, Adam lr 0.001, m = 0.2, alpha = 1, lambda_lf 0.1 (SSAH).
The repository extracts features with ``children()[:-1]``, which on some ResNets drops the stem
ReLU; we read ``feature_layer``'s output with a forward hook instead. Its internal CIFAR
normalisation is not applied: our models normalise inside themselves. Negatives come from within
the batch, so results depend on the batch size (the repository uses 5000 on CIFAR-10).

Example::

    adversarial = SSA(model, feature_layer='pool', lambda_lf=0.0)(images, labels)
"""
import argparse
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..core import capture_output, resolve_module
from .base import ATTACKS, Attack, AttackContext, predicted_correct
from .haar import haar_low_frequency

TANH_EPS = 3e-7   # keeps atanh finite at pixels equal to 0 or 1 (ssah_attack.py)


def pooled(feature: Tensor) -> Tensor:
    """(N, C, ...) -> (N, C): the spatial mean, as the reference's average pool after the encoder."""
    return feature.flatten(2).mean(dim=2) if feature.dim() > 2 else feature


@ATTACKS.register('ssa')
class SSA(Attack):
    """Args:
        model: (N, C, H, W) images in [0, 1] -> logits.
        feature_layer: module whose output is the semantic feature (pooled over space if 4-D),
            e.g. ``'pool'`` for :class:`~slim_mmseg.models.ImageClassifier`.
        lambda_lf: weight of the low-frequency term (0: SSA, default; 0.1: SSAH).
        steps, lr, margin, alpha: see the module docstring (defaults 150, 0.001, 0.2, 1).
    """
    name = 'ssa'
    uses_eps = False               # no norm ball: the perturbation's size is an outcome

    def __init__(self, model: nn.Module, feature_layer: str, lambda_lf: float = 0.0, steps: int = 150,
                 lr: float = 1e-3, margin: float = 0.2, alpha: float = 1.0):
        super().__init__(model, eps=None)
        self.module = resolve_module(model, feature_layer, role='SSA feature layer')
        self.lambda_lf, self.steps, self.lr, self.margin, self.alpha = lambda_lf, steps, lr, margin, alpha

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument('--ssa-feature-layer', default='pool', help='module whose output is the SSA feature')
        parser.add_argument('--ssa-steps', type=int, default=150, help='Adam steps of SSA (reference: 150)')
        parser.add_argument('--ssa-batch-size', type=int, help='SSA batch (negatives come from the batch); '
                            'default: --batch-size')

    @classmethod
    def options_from_args(cls, args: argparse.Namespace, context: AttackContext) -> dict:
        return dict(feature_layer=args.ssa_feature_layer, steps=args.ssa_steps)

    @classmethod
    def batch_size_from_args(cls, args: argparse.Namespace) -> Optional[int]:
        return args.ssa_batch_size

    def feature(self, images: Tensor) -> Tensor:
        with capture_output(self.module) as captured:
            self.model(images)
        return F.normalize(pooled(captured.feature).flatten(1), dim=1)

    def perturb(self, images: Tensor, labels: Tensor) -> Tensor:
        # As the repository's main.py: only correctly classified images are attacked (so accuracy
        # after the attack never exceeds the clean one), and their negatives come from among them.
        adversarial = images.clone()
        correct = predicted_correct(self.model, images, labels)
        if correct.any():
            adversarial[correct] = self.attack_batch(images[correct])
        return adversarial

    def attack_batch(self, images: Tensor) -> Tensor:
        with torch.no_grad():
            clean = self.feature(images)
        clean_low = haar_low_frequency(images)
        latent = torch.atanh(images * (2 - 2 * TANH_EPS) - 1 + TANH_EPS).requires_grad_()
        optimizer = torch.optim.Adam([latent], lr=self.lr)
        rows = torch.arange(len(images), device=images.device)
        negative = None
        for _ in range(self.steps):
            with torch.enable_grad():
                adversarial = (torch.tanh(latent) + 1) / 2
                similarity = self.feature(adversarial) @ clean.T
                if negative is None:
                    negative = similarity.detach().argmin(dim=1)
                positive_sim, negative_sim = similarity[rows, rows], similarity[rows, negative]
                w_p = (positive_sim.detach() - self.margin).clamp_min(0)
                w_n = (1 + self.margin - negative_sim.detach()).clamp_min(0)
                cost = self.alpha * (w_p * positive_sim - w_n * negative_sim).clamp_min(0).sum()
                if self.lambda_lf:
                    cost = cost + self.lambda_lf * F.smooth_l1_loss(haar_low_frequency(adversarial), clean_low,
                                                                    reduction='sum')
                latent.grad, = torch.autograd.grad(cost, latent)
            optimizer.step()
        return ((torch.tanh(latent) + 1) / 2).detach()


@ATTACKS.register('ssah')
class SSAH(SSA):
    """SSA with the low-frequency term: ``lambda_lf = 0.1``, the repository's SSAH (same options)."""
    name = 'ssah'

    def __init__(self, model: nn.Module, feature_layer: str, lambda_lf: float = 0.1, **options):
        super().__init__(model, feature_layer, lambda_lf=lambda_lf, **options)

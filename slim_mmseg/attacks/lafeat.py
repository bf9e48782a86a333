"""LAFEAT (Yu et al., CVPR 2021, github lafeat/lafeat): an APGD-style L-infinity attack whose loss
mixes the logits of an auxiliary head on an intermediate layer with the model's final logits.

Per step (``lafeat/attack.py``, ``LafeatAttack``), with ``z`` the final logits, ``h`` the head's,
``s(.)`` the detached top-1 minus top-2 margin per sample and ``m`` = 1 while the head and the
model both still predict the label:

    logits = beta * m * h / s(h) + (1 - beta * m) * z / s(z),    loss = sum CE(logits, y)

Read at commit 13017ae. The step size follows a cosine, ``2 * eps * (1 + cos(pi * i / steps)) / 2``,
the update ``x + a * (z_step - x) + (1 - a) * (x - x_prev)`` has momentum ``a = 0.75`` (1 at the
first step), only points the model still classifies correctly take gradient steps, and the start
is ``x`` itself (no random start for L-infinity). One such run per ``beta`` attacks the points
still robust (``lafeat/eval.py``); a point counts as broken when any run breaks it. The betas are
``arange(0, 1, 0.1)`` taken from the middle outwards, 0.4, 0.5, 0.3, 0.6, ..., 0, 0.9
(``attack.py``: ``betas``). Iterations: ``LafeatAttack``'s default ``n_iter=100`` per beta (so up
to 1000 gradient evaluations per point); ``attack.py``'s command line defaults to 1 and the
README's result uses 1000 with the multi-targeted variant, which is not ported here.
The heads come from :mod:`.lafeat_heads`.

Example::

    heads = load_or_train_heads(model, RESNET18_LAYERS, train_images, 'heads.pth', sha)
    adversarial = LAFEAT(model, heads, layer='backbone.layer4.0')(images, labels)
"""
import argparse
import math
from pathlib import Path
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..core import capture_output, resolve_module
from .base import ATTACKS, Attack, AttackContext, predicted_correct
from .lafeat_heads import LAFEATHeads, default_lafeat_layers, load_or_train_heads

# arange(0, 1, 0.1) from the middle outwards (lafeat ``attack.py``: ``betas``).
BETAS = (0.4, 0.5, 0.3, 0.6, 0.2, 0.7, 0.1, 0.8, 0.0, 0.9)


def margin(logits: Tensor) -> Tensor:
    top2 = logits.detach().topk(2, dim=1).values
    return (top2[:, :1] - top2[:, 1:]).clamp_min(1e-12)


@ATTACKS.register('lafeat')
class LAFEAT(Attack):
    """Args:
        model: (N, C, H, W) images in [0, 1] -> (N, K) logits; frozen.
        heads: trained :class:`LAFEATHeads` of this model.
        layer: the head used by the attack (default: the last of ``heads.layers``).
        eps: L-infinity radius in [0, 1] pixel units (default 8/255).
        steps: iterations per beta (default 100).
        betas: head weights, one run each, in this order (default :data:`BETAS`).
        momentum: ``a`` of the update (default 0.75).
    """
    name = 'lafeat'
    gradient_in_ball = True

    def __init__(self, model: nn.Module, heads: LAFEATHeads, layer: Optional[str] = None, eps: float = 8 / 255,
                 steps: int = 100, betas: Sequence[float] = BETAS, momentum: float = 0.75):
        super().__init__(model, eps)
        self.layer = layer or heads.layers[-1]
        self.head = heads.head(self.layer)
        self.module = resolve_module(model, self.layer, role='LAFEAT layer')
        self.steps, self.betas, self.momentum = steps, tuple(betas), momentum

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument('--lafeat-layers', nargs='+', help='modules of the heads; the last one is attacked '
                            '(default for ResNet-18: backbone.layer3.1 backbone.layer4.0)')
        parser.add_argument('--lafeat-steps', type=int, default=100, help='iterations per beta (lafeat: 100)')
        parser.add_argument('--lafeat-train-samples', type=int, default=5000, help='training images for the heads')
        parser.add_argument('--lafeat-epochs', type=int, default=50, help='head training epochs (lafeat: 50)')

    @classmethod
    def options_from_args(cls, args: argparse.Namespace, context: AttackContext) -> dict:
        """Heads trained on the first ``--lafeat-train-samples`` training images (the model's own
        predictions), cached per checkpoint in ``WORK_DIR/lafeat_heads/``."""
        layers = args.lafeat_layers or default_lafeat_layers(context.model)
        if layers is None:
            raise ValueError('lafeat: this model has no default head placement; give --lafeat-layers '
                             '(module names, e.g. backbone.layer1 backbone.layer2; the last is attacked)')
        cache = (Path(context.work_dir) / 'lafeat_heads' /
                 f'{Path(context.checkpoint).stem}-{context.checkpoint_sha256[:12]}.pth')
        heads = load_or_train_heads(context.model, layers, context.train_images(args.lafeat_train_samples),
                                    str(cache), context.checkpoint_sha256, epochs=args.lafeat_epochs,
                                    seed=context.seed, progress=True)
        return dict(heads=heads, steps=args.lafeat_steps)

    def perturb(self, images: Tensor, labels: Tensor) -> Tensor:
        adversarial = images.clone()
        robust = predicted_correct(self.model, images, labels)
        for beta in self.betas:
            index = robust.nonzero().flatten()
            if index.numel() == 0:
                break
            broken_images, broken = self.single_run(images[index], labels[index], beta)
            adversarial[index[broken]] = broken_images[broken]
            robust[index[broken]] = False
        return adversarial

    def gradient(self, adversarial: Tensor, labels: Tensor, beta: float) -> Tuple[Tensor, Tensor]:
        """Gradient of the mixed loss, and which points the model still classifies correctly."""
        adversarial = adversarial.detach().requires_grad_()
        with torch.enable_grad(), capture_output(self.module) as captured:
            logits = self.model(adversarial)
            # Heads are loaded on the CPU (lafeat_heads.load_heads): they run where the features are.
            head_logits = self.head.to(captured.feature.device)(captured.feature)
            correct = logits.argmax(dim=1) == labels
            mask = (correct & (head_logits.argmax(dim=1) == labels)).float().unsqueeze(1)
            mixed = beta * mask * head_logits / margin(head_logits) + (1 - beta * mask) * logits / margin(logits)
            gradient, = torch.autograd.grad(F.cross_entropy(mixed, labels, reduction='sum'), adversarial)
        return gradient, correct

    def single_run(self, images: Tensor, labels: Tensor, beta: float) -> Tuple[Tensor, Tensor]:
        """One beta: the last misclassified iterate of each point and whether there was one."""
        low, high = (images - self.eps).clamp(0, 1), (images + self.eps).clamp(0, 1)
        current, previous = images.clone(), images.clone()
        best, broken = images.clone(), torch.zeros_like(labels, dtype=torch.bool)
        gradient, correct = self.gradient(current, labels, beta)
        for step in range(self.steps):
            step_size = self.eps * (1 + math.cos(math.pi * step / self.steps))
            a = 1.0 if step == 0 else self.momentum
            gated = correct.view(-1, *[1] * (images.dim() - 1)).to(images)
            proposal = torch.min(torch.max(current + gated * step_size * gradient.sign(), low), high)
            following = current + a * (proposal - current) + (1 - a) * (current - previous)
            previous, current = current, torch.min(torch.max(following, low), high)
            gradient, correct = self.gradient(current, labels, beta)
            best[~correct] = current[~correct]
            broken |= ~correct
        return best, broken

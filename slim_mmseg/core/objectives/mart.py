"""MART (Wang et al., "Improving Adversarial Robustness Requires Revisiting Misclassified
Examples", ICLR 2020), following YisenWang/MART ``mart.py`` (``mart_loss``).

Attack: from ``x + 0.001 * N(0, 1)``, model in evaluation mode, ascend ``CE(f(x_adv), y)``.

Training loss (both passes in training mode), with ``q = softmax(f(x_adv))``, ``p = softmax(f(x))``:

- boosted cross-entropy ``CE(f(x_adv), y) + NLL(log(1.0001 - q + 1e-12), y')`` where ``y'`` is the
  most likely wrong class under ``q``;
- ``beta * (1/B) * sum_i KL(p_i || q_i) * (1.0000001 - p_{i,y_i})`` with the KL computed as the
  reference does, ``sum_k p_k (log p_k - log(q_k + 1e-12))``; ``p`` is not detached.

The constants 1.0001, 1e-12 and 1.0000001 are the reference's. ``beta = 5.0`` is the ResNet-18
script's default (``train_resnet.py --beta``); ``train_wideresnet.py`` uses 6.0.
"""
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from torch import Tensor

from .base import KLRegularisedObjective, require_clean_logits


def boosted_cross_entropy(adv_logits: Tensor, labels: Tensor) -> Tensor:
    """MART's BCE: CE plus a margin term pushing down the most likely wrong class; scalar."""
    adv_probs = adv_logits.softmax(dim=1)
    top_two = adv_probs.argsort(dim=1)[:, -2:]
    wrong_class = torch.where(top_two[:, -1] == labels, top_two[:, -2], top_two[:, -1])
    return (F.cross_entropy(adv_logits, labels)
            + F.nll_loss(torch.log(1.0001 - adv_probs + 1e-12), wrong_class))


def misclassification_weighted_kl(clean_logits: Tensor, adv_logits: Tensor, labels: Tensor) -> Tensor:
    """``(1/B) sum_i KL(p_i || q_i) (1.0000001 - p_{i,y_i})``; scalar."""
    clean_probs = clean_logits.softmax(dim=1)
    adv_probs = adv_logits.softmax(dim=1)
    kl = F.kl_div(torch.log(adv_probs + 1e-12), clean_probs, reduction='none').sum(dim=1)
    true_probs = clean_probs.gather(1, labels.unsqueeze(1)).squeeze(1)
    return (kl * (1.0000001 - true_probs)).mean()


class MART(KLRegularisedObjective):
    """Args:
        beta: weight of the misclassification-aware KL term (MART's ResNet-18 default 5.0).
    """
    attack_uses_clean_logits = False

    def __init__(self, beta: float = 5.0):
        super().__init__(beta)

    def attack_loss(self, adv_logits: Tensor, labels: Tensor,
                    clean_logits: Optional[Tensor] = None) -> Tensor:
        return F.cross_entropy(adv_logits, labels)

    def training_loss(self, adv_logits: Tensor, labels: Tensor,
                      clean_logits: Optional[Tensor] = None) -> Dict[str, Tensor]:
        clean_logits = require_clean_logits(clean_logits, 'MART')
        return dict(loss_adv_bce=boosted_cross_entropy(adv_logits, labels),
                    loss_robust_kl=self.beta * misclassification_weighted_kl(clean_logits, adv_logits, labels))

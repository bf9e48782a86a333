"""TRADES (Zhang et al., "Theoretically Principled Trade-off between Robustness and Accuracy",
ICML 2019), following yaodongyu/TRADES ``trades.py`` (``trades_loss``).

Attack: from ``x + 0.001 * N(0, 1)``, with the model in evaluation mode, ascend
``KL(p(x) || p(x_adv))`` (``nn.KLDivLoss(size_average=False)(log_softmax(f(x_adv)),
softmax(f(x)))``: a sum over the batch there, a batch mean here, see :mod:`.base`).

Training loss: ``CE(f(x), y) + beta * (1/B) * sum_i KL(p(x_i) || p(x_adv_i))`` with both passes in
training mode and ``p(x)`` **not** detached (gradients flow through both distributions).
``beta = 6.0`` (``train_trades_cifar10.py --beta`` default; the README allows 1 to 10).
The reference forwards the clean batch twice in training mode (once per term); one clean forward
serves both terms here, so BatchNorm's running statistics see the clean batch once.
"""
from typing import Dict, Optional

import torch.nn.functional as F
from torch import Tensor

from .base import KLRegularisedObjective, require_clean_logits


def kl_clean_to_adversarial(clean_logits: Tensor, adv_logits: Tensor) -> Tensor:
    """Per-sample ``KL(p(x) || p(x_adv)) = sum_k p_k(x) (log p_k(x) - log p_k(x_adv))``, shape (N,)."""
    return F.kl_div(F.log_softmax(adv_logits, dim=1), F.log_softmax(clean_logits, dim=1),
                    reduction='none', log_target=True).sum(dim=1)


class TRADES(KLRegularisedObjective):
    """Args:
        beta: weight of the robust KL term (TRADES default 6.0).
    """
    attack_uses_clean_logits = True

    def __init__(self, beta: float = 6.0):
        super().__init__(beta)

    def attack_loss(self, adv_logits: Tensor, labels: Tensor,
                    clean_logits: Optional[Tensor] = None) -> Tensor:
        clean_logits = require_clean_logits(clean_logits, 'TRADES')
        return kl_clean_to_adversarial(clean_logits, adv_logits).mean()

    def training_loss(self, adv_logits: Tensor, labels: Tensor,
                      clean_logits: Optional[Tensor] = None) -> Dict[str, Tensor]:
        clean_logits = require_clean_logits(clean_logits, 'TRADES')
        return dict(loss_clean_ce=F.cross_entropy(clean_logits, labels),
                    loss_robust_kl=self.beta * kl_clean_to_adversarial(clean_logits, adv_logits).mean())

"""PGD adversarial training (Madry et al., "Towards Deep Learning Models Resistant to Adversarial
Attacks", ICLR 2018).

Attack: ascend the cross-entropy of ``f(x_adv)`` from a uniform start ``x + U(-eps, eps)``
(MadryLab/cifar10_challenge ``config.json``: ``"random_start": true``, ``epsilon 8``,
``num_steps 10``, ``step_size 2`` on the 0-255 scale; csdongxian/AWP ``AT_AWP/train_cifar10.py``:
``--pgd-alpha 2``, ``--attack-iters 10``, uniform ``delta``). Training loss: the cross-entropy of
``f(x_adv)`` alone (no clean term).
"""
from typing import Dict, Optional

import torch.nn.functional as F
from torch import Tensor

from .base import AdversarialObjective


class PGDAT(AdversarialObjective):
    random_start = 'uniform'
    attack_uses_clean_logits = False
    trains_on_clean = False

    def attack_loss(self, adv_logits: Tensor, labels: Tensor,
                    clean_logits: Optional[Tensor] = None) -> Tensor:
        return F.cross_entropy(adv_logits, labels)

    def training_loss(self, adv_logits: Tensor, labels: Tensor,
                      clean_logits: Optional[Tensor] = None) -> Dict[str, Tensor]:
        return dict(loss_adv_ce=F.cross_entropy(adv_logits, labels))

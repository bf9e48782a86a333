"""PGD-CS adversarial training, the SLIM paper's Table 1: PGD-AT whose attack ascends the cosine
distance of the fourth stage's features instead of the cross-entropy.

Attack: from a uniform start ``x + U(-eps, eps)`` (as PGD-AT's), model in evaluation mode, ascend
``(1/B) sum_i [1 - cos(f_4(x_i), f_4(x_adv_i))]``, the cosine taken over each sample's flattened
feature map and ``f_4(x)`` recorded once, detached, in the clean pass. Training loss: the
cross-entropy of ``f(x_adv)`` alone, as PGD-AT's.

The paper names the loss and the stage but no code; the layer is an argument
(``'backbone.layer4'``, the fourth stage of the ResNets and WRNs here; the three-stage
``SmallConvNet`` has ``'backbone.layer3'``). The uniform start matters: at ``x_adv = x`` the cosine
is at its maximum and its gradient vanishes, so an attack started at ``x`` would not move.

The attack needs the features, not the logits: the objective names its layer in
``attack_uses_clean_feature`` and receives ``clean_feature=`` / ``adversarial_feature=`` (see
:mod:`.base`), so it composes with SLIM (whose term is added to this loss like to any other) and
with AWP without any change to the ascent.
"""
from typing import Dict, Optional

import torch.nn.functional as F
from torch import Tensor

from .base import AdversarialObjective


def cosine_distance(clean: Tensor, adversarial: Tensor) -> Tensor:
    """Per-sample ``1 - cos(clean_i, adversarial_i)`` over flattened features, shape (N,)."""
    if clean.shape != adversarial.shape:
        raise ValueError(f'PGD-CS compares features of one shape, got clean {tuple(clean.shape)} and '
                         f'adversarial {tuple(adversarial.shape)}')
    return 1 - F.cosine_similarity(clean.flatten(1).float(), adversarial.flatten(1).float(), dim=1, eps=1e-8)


class PGDCS(AdversarialObjective):
    """Args:
        layer: the module whose output the attack compares (default the fourth stage,
            ``'backbone.layer4'``).
    """
    random_start = 'uniform'
    attack_uses_clean_logits = False
    trains_on_clean = False

    def __init__(self, layer: str = 'backbone.layer4'):
        if not isinstance(layer, str) or not layer:
            raise ValueError(f'PGD-CS needs the module name of the compared layer, got {layer!r}')
        self.attack_uses_clean_feature = layer

    def attack_loss(self, adv_logits: Tensor, labels: Tensor, clean_logits: Optional[Tensor] = None, *,
                    clean_feature: Optional[Tensor] = None,
                    adversarial_feature: Optional[Tensor] = None) -> Tensor:
        if clean_feature is None or adversarial_feature is None:
            raise ValueError(f'PGD-CS compares the features of {self.attack_uses_clean_feature!r}: pass '
                             f'clean_feature=f_l(x) and adversarial_feature=f_l(x_adv)')
        return cosine_distance(clean_feature.detach(), adversarial_feature).mean()

    def training_loss(self, adv_logits: Tensor, labels: Tensor,
                      clean_logits: Optional[Tensor] = None) -> Dict[str, Tensor]:
        return dict(loss_adv_ce=F.cross_entropy(adv_logits, labels))

    def describe(self) -> str:
        return f'PGDCS(layer={self.attack_uses_clean_feature!r})'

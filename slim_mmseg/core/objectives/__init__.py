"""Adversarial-training objectives (torch only): how ``x_adv`` is made and what the weights learn."""
from .awp import AdversarialWeightPerturbation
from .base import AdversarialObjective
from .mart import MART, boosted_cross_entropy, misclassification_weighted_kl
from .pgd_at import PGDAT
from .pgd_cs import PGDCS, cosine_distance
from .registry import OBJECTIVES, build_objective
from .trades import TRADES, kl_clean_to_adversarial

__all__ = ['AdversarialWeightPerturbation', 'AdversarialObjective', 'MART',
           'boosted_cross_entropy', 'misclassification_weighted_kl', 'PGDAT', 'PGDCS', 'cosine_distance',
           'OBJECTIVES', 'build_objective', 'TRADES', 'kl_clean_to_adversarial']

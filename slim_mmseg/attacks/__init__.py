"""Robustness-evaluation attacks (torch only), registered by name in :data:`ATTACKS`: ``clean``,
``pgd20``, ``autoattack``, ``lafeat``, ``ssa`` and ``ssah``, with the input and budget checks they share.

``build_attack(name, model, eps=8/255, **options)``: ``lafeat`` needs ``heads=`` (see
:mod:`.lafeat_heads`), ``ssa``/``ssah`` need ``feature_layer=``; other options go to the class.
Each registered class declares its command-line options (:meth:`Attack.add_arguments`,
:meth:`Attack.options_from_args`), which ``tools/robust_test.py`` collects from the registry.
"""
from torch import nn

from .autoattack import AutoAttackAdapter
from .base import ATTACKS, Attack, AttackContext, Clean, check_epsilon, parse_epsilon, predicted_correct
from .checks import CheckReport, RobustnessCheckWarning, masking_checks
from .evaluation import WORST_CASE, RobustEvaluation, evaluate_attacks, format_table
from .haar import haar_low_frequency
from .lafeat import LAFEAT
from .lafeat_heads import (RESNET18_LAYERS, LAFEATHeads, default_lafeat_layers, file_sha256, head_agreement,
                           load_heads, load_or_train_heads, train_lafeat_heads)
from .pgd import PGD
from .ssa import SSA, SSAH


def build_attack(name: str, model: nn.Module, eps: float = 8 / 255, **options) -> Attack:
    """The attack registered as ``name`` (an unknown name lists the close and the registered ones)."""
    check_epsilon(eps)
    attack = ATTACKS.get(name).create(model, eps, **options)
    attack.name = name
    return attack


__all__ = ['ATTACKS', 'Attack', 'AttackContext', 'AutoAttackAdapter', 'CheckReport', 'Clean', 'LAFEAT',
           'LAFEATHeads', 'PGD', 'RESNET18_LAYERS', 'RobustEvaluation', 'RobustnessCheckWarning', 'SSA', 'SSAH',
           'WORST_CASE', 'build_attack', 'check_epsilon', 'default_lafeat_layers', 'evaluate_attacks', 'file_sha256',
           'format_table', 'haar_low_frequency', 'head_agreement', 'load_heads', 'load_or_train_heads',
           'masking_checks', 'parse_epsilon', 'predicted_correct', 'train_lafeat_heads']

"""Robustness-evaluation attacks (torch only): ``clean``, ``pgd20``, ``autoattack``, ``lafeat``,
``ssa`` and ``ssah`` by name, with the input and budget checks they share.

``build_attack(name, model, eps=8/255, **options)``: ``lafeat`` needs ``heads=`` (see
:mod:`.lafeat_heads`), ``ssa``/``ssah`` need ``feature_layer=``; other options go to the class.
"""
from typing import Callable, Dict

from torch import nn

from .autoattack import AutoAttackAdapter
from .base import Attack, Clean, check_epsilon, predicted_correct
from .checks import CheckReport, RobustnessCheckWarning, masking_checks
from .evaluation import WORST_CASE, RobustEvaluation, evaluate_attacks, format_table
from .haar import haar_low_frequency
from .lafeat import LAFEAT
from .lafeat_heads import (RESNET18_LAYERS, LAFEATHeads, default_lafeat_layers, file_sha256, head_agreement,
                           load_heads, load_or_train_heads, train_lafeat_heads)
from .pgd import PGD
from .ssa import SSA

ATTACKS: Dict[str, Callable[..., Attack]] = {
    'clean': lambda model, eps, **options: Clean(model, **options),
    'pgd20': lambda model, eps, **options: PGD(model, eps=eps, **{'steps': 20, **options}),
    'autoattack': lambda model, eps, **options: AutoAttackAdapter(model, eps=eps, **options),
    'lafeat': lambda model, eps, **options: LAFEAT(model, eps=eps, **options),
    # No norm ball: eps does not apply to the semantic similarity attacks.
    'ssa': lambda model, eps, **options: SSA(model, **{'lambda_lf': 0.0, **options}),
    'ssah': lambda model, eps, **options: SSA(model, **{'lambda_lf': 0.1, **options}),
}


def build_attack(name: str, model: nn.Module, eps: float = 8 / 255, **options) -> Attack:
    """The attack registered as ``name``; an unknown name lists the valid ones."""
    if name not in ATTACKS:
        raise KeyError(f'unknown attack {name!r}; valid attacks: {", ".join(ATTACKS)}')
    check_epsilon(eps)
    attack = ATTACKS[name](model, eps, **options)
    attack.name = name
    return attack


def parse_epsilon(text: str) -> float:
    """``'8/255'``, ``'0.5/255'`` or ``'0.031'`` -> float in [0, 1] pixel units; ``'8'`` is refused (unit error)."""
    try:
        numerator, _, denominator = text.strip().partition('/')
        value = float(numerator) / float(denominator or 1)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f'cannot read eps {text!r}: write a number or a fraction such as 8/255') from None
    check_epsilon(value)
    return value


__all__ = ['ATTACKS', 'Attack', 'AutoAttackAdapter', 'CheckReport', 'Clean', 'LAFEAT', 'LAFEATHeads', 'PGD',
           'RESNET18_LAYERS', 'RobustEvaluation', 'RobustnessCheckWarning', 'SSA', 'WORST_CASE', 'build_attack',
           'check_epsilon', 'default_lafeat_layers', 'evaluate_attacks', 'file_sha256', 'format_table',
           'haar_low_frequency', 'head_agreement', 'load_heads', 'load_or_train_heads', 'masking_checks', 'parse_epsilon',
           'predicted_correct', 'train_lafeat_heads']

"""Feature-level style modules inserted at named positions of any model (torch only).

- :class:`ASA`: adversarial style augmentation with learned control factors (Zhang et al. 2023);
- :class:`DSU`, :class:`MixStyle`, :class:`PermutedAdaIN` (``pAdaIN``): the DG baselines;
- :class:`StyleAugmentation`: puts modules of one registered type at positions, by forward hooks;
- :class:`SLIMControlFactors`: SLIM routed into ASA's control factors.
"""
from .asa import ASA, BRANCHES
from .base import StyleModule
from .dsu import DSU
from .gradient_reversal import reverse_gradient
from .insertion import StyleAugmentation, probe_outputs
from .mixstyle import MixStyle
from .padain import PermutedAdaIN
from .registry import STYLE_MODULES
from .slim_control import AdversarialCapture, ControlStep, SLIMControlFactors, average_over_ranks

__all__ = [
    'ASA', 'BRANCHES', 'StyleModule', 'DSU', 'reverse_gradient', 'StyleAugmentation', 'probe_outputs',
    'MixStyle', 'PermutedAdaIN', 'STYLE_MODULES', 'AdversarialCapture', 'ControlStep', 'SLIMControlFactors',
    'average_over_ranks',
]

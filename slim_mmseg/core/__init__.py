"""The algorithms, independent of OpenMMLab (torch only): perturbations, one ascent loop, the SLIM
term and its sampler and loss dictionary, and the adversaries built from them."""
from .adversarial_style import (DEFAULT_SLIM_RANDOM_START, AdversarialStep, AdversarialStyle,
                                AdversarialStyleGenerator, CleanReference)
from .ascent import AscentResult, ascend, check_ascent
from .registry import Registry, UnknownEntryError
from .slim_balance import BalanceStats, balance
from .batchnorm import (NORM_MODES, batchnorm_running_statistics, batchnorm_statistics_frozen,
                        evaluation_mode)
from .dictionary_losses import DICTIONARY_LOSSES, register_dictionary_loss
from .feature_capture import as_feature, capture_output
from .module_lookup import resolve_module
from .perturbations import (INPUT, PixelPerturbation, StyleStatisticsPerturbation, check_unit_range,
                            recording_statistics)
from .random_streams import RandomStreams, seeded_generator
from .slim_sampler import DRAW_MODES, SLIMDraw, SLIMSampler
from .slim_term import SLIM_SCALES, SLIMTerm
from .style_statistics import restyle, style_statistics
from . import objectives  # noqa: F401,E402  (adversarial-training objectives, torch only)
from . import style_modules  # noqa: F401  (feature-level style modules: ASA, DSU, MixStyle, pAdaIN)

__all__ = [
    'DEFAULT_SLIM_RANDOM_START', 'AdversarialStep', 'AdversarialStyle', 'AdversarialStyleGenerator',
    'CleanReference', 'AscentResult', 'ascend', 'check_ascent', 'NORM_MODES', 'batchnorm_running_statistics',
    'batchnorm_statistics_frozen', 'evaluation_mode', 'DICTIONARY_LOSSES', 'register_dictionary_loss',
    'Registry', 'UnknownEntryError', 'BalanceStats', 'balance', 'DRAW_MODES', 'SLIM_SCALES', 'as_feature', 'capture_output', 'resolve_module', 'INPUT',
    'PixelPerturbation', 'StyleStatisticsPerturbation', 'check_unit_range', 'recording_statistics',
    'RandomStreams', 'seeded_generator', 'SLIMDraw', 'SLIMSampler', 'SLIMTerm', 'restyle', 'style_statistics',
]

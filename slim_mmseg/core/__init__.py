"""The SLIM / AdvStyle algorithm, independent of OpenMMLab (torch only)."""
from .adversarial_style import (INPUT, AdversarialStyle, AdversarialStyleGenerator,
                                CleanReference)
from .batchnorm import NORM_MODES, batchnorm_running_statistics, batchnorm_statistics_frozen
from .dictionary_losses import (get_dictionary_loss, register_dictionary_loss,
                                registered_dictionary_losses)
from .feature_capture import as_feature, capture_output
from .module_lookup import resolve_module
from .slim_sampler import SLIMDraw, SLIMSampler
from .style_statistics import restyle, style_statistics

__all__ = [
    'INPUT', 'AdversarialStyle', 'AdversarialStyleGenerator', 'CleanReference',
    'NORM_MODES', 'batchnorm_running_statistics', 'batchnorm_statistics_frozen', 'get_dictionary_loss', 'register_dictionary_loss',
    'registered_dictionary_losses', 'as_feature', 'capture_output', 'resolve_module', 'SLIMDraw',
    'SLIMSampler', 'restyle', 'style_statistics',
]

"""Analyses of the adversary and of trained models (torch only)."""
from .asa_source import ASAStyleSource
from .clustering_effect import class_centroids, clustering_accuracy, nearest_centroid
from .feature_cosine import PerturbedImages, feature_cosine
from .gradient_shift_cosine import gradient_shift_cosine
from .hessian_trace import HessianTraces, ModuleTrace, hessian_traces, weighted_modules
from .layer_features import cosine_per_sample, layer_features
from .perturbation_sources import (ImageStyleAttack, PixelAttack, RandomCorruption, mart_attack,
                                   standard_sources)
from .prediction_metrics import accuracy_and_loss
from .slim_direction_change import sign_flip_rates
from .slim_strength import AscentSetting, ascent_strength, control_factor_strength
from .weight_noise import weight_noise_sweep

__all__ = [
    'ASAStyleSource', 'PerturbedImages',
    'class_centroids', 'clustering_accuracy', 'nearest_centroid', 'feature_cosine', 'gradient_shift_cosine',
    'HessianTraces', 'ModuleTrace', 'hessian_traces', 'weighted_modules', 'cosine_per_sample', 'layer_features',
    'ImageStyleAttack', 'PixelAttack', 'RandomCorruption', 'mart_attack', 'standard_sources',
    'accuracy_and_loss', 'sign_flip_rates', 'weight_noise_sweep', 'AscentSetting', 'ascent_strength',
    'control_factor_strength',
]

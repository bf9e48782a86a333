"""Measurement utilities (torch only) used by the benchmarks."""
from .paired_ratio import RatioInterval, paired_ratio
from .tensor_memory import TensorMemoryTracker

__all__ = ['RatioInterval', 'paired_ratio', 'TensorMemoryTracker']

"""Measurement utilities (torch only) used by the benchmarks."""
from .tensor_memory import TensorMemoryTracker

__all__ = ['TensorMemoryTracker']

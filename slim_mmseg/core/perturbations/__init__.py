"""What an adversary ascends: pixel deltas or style statistics (see :mod:`..ascent`)."""
from .pixel import PixelPerturbation, check_unit_range
from .style_shift import INPUT, Statistics, StyleStatisticsPerturbation, recording_statistics

__all__ = ['PixelPerturbation', 'check_unit_range', 'INPUT', 'Statistics', 'StyleStatisticsPerturbation',
           'recording_statistics']

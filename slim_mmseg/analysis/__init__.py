"""Analyses of the adversary and of trained models (torch only)."""
from .slim_direction_change import sign_flip_rates

__all__ = ['sign_flip_rates']

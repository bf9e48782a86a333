"""Decode heads: importing this package registers them in mmseg's MODELS registry."""
from .deeplabv2_head import DeepLabV2Head

__all__ = ['DeepLabV2Head']

"""Names under which configs choose a feature-level style module (``augmentation=dict(type=...)``).

Each module class registers itself where it is defined (``@STYLE_MODULES.register('DSU')``);
importing :mod:`slim_mmseg.core.style_modules` registers all four.
"""
from ..registry import Registry

STYLE_MODULES = Registry('style module')

"""Names under which configs choose a feature-level style module (``augmentation=dict(type=...)``)."""
from typing import Callable, Dict, Tuple, Type

from .asa import ASA
from .base import StyleModule
from .dsu import DSU
from .mixstyle import MixStyle
from .padain import PermutedAdaIN

_STYLE_MODULES: Dict[str, Type[StyleModule]] = {}


def register_style_module(name: str) -> Callable[[Type[StyleModule]], Type[StyleModule]]:
    """Decorator adding a :class:`.base.StyleModule` subclass under ``name``."""

    def add(cls: Type[StyleModule]) -> Type[StyleModule]:
        if name in _STYLE_MODULES:
            raise KeyError(f'a style module named {name!r} is already registered')
        if not issubclass(cls, StyleModule):
            raise TypeError(f'{cls.__name__} is not a StyleModule')
        _STYLE_MODULES[name] = cls
        return cls

    return add


def registered_style_modules() -> Tuple[str, ...]:
    return tuple(sorted(_STYLE_MODULES))


def style_module_class(name: str) -> Type[StyleModule]:
    try:
        return _STYLE_MODULES[name]
    except KeyError:
        raise KeyError(f'unknown style module {name!r}; registered: '
                       f'{", ".join(registered_style_modules())}') from None


for _name, _cls in (('ASA', ASA), ('DSU', DSU), ('MixStyle', MixStyle), ('pAdaIN', PermutedAdaIN)):
    register_style_module(_name)(_cls)

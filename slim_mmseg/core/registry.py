"""One registry idiom for every extensible family of the core (dictionary losses, objectives, style
modules, attacks, normalisation modes)::

    LOSSES = Registry('SLIM dictionary loss')

    @LOSSES.register('l1')
    def l1(clean, adversarial): ...

    LOSSES.get('l1'); LOSSES.names(); LOSSES.build(dict(type='l1', ...))

An unknown name raises :class:`UnknownEntryError`, which lists the close names and every registered
one. It is both a ``KeyError`` (a lookup failed) and a ``ValueError`` (a config holds a bad value), so
callers can catch whichever they expect.
"""
import difflib
from typing import Any, Callable, Dict, Iterator, Optional, Tuple, Union


class UnknownEntryError(KeyError, ValueError):
    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class Registry:
    """Names mapped to objects (functions, classes, factories) of one kind.

    Args:
        kind: what an entry is, used in error messages (``'SLIM dictionary loss'``).
    """

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: Dict[str, Any] = {}

    def register(self, name: str, obj: Optional[Any] = None) -> Any:
        """``register(name, obj)`` adds ``obj``; ``@register(name)`` adds the decorated object."""

        def add(entry: Any) -> Any:
            if name in self._entries:
                raise KeyError(f'a {self.kind} named {name!r} is already registered')
            self._entries[name] = entry
            return entry

        return add if obj is None else add(obj)

    def unregister(self, name: str) -> Any:
        """Removes and returns an entry (tests use it to undo a registration)."""
        entry = self.get(name)
        del self._entries[name]
        return entry

    def get(self, name: str) -> Any:
        try:
            return self._entries[name]
        except (KeyError, TypeError):
            by_lower = {key.lower(): key for key in self._entries}
            close = [by_lower[k] for k in difflib.get_close_matches(str(name).lower(), list(by_lower), n=3)]
            hint = f' (did you mean {", ".join(map(repr, close))}?)' if close else ''
            raise UnknownEntryError(f'unknown {self.kind} {name!r}{hint}; registered: '
                                    f'{", ".join(self.names()) or "none"}') from None

    def build(self, config: Union[str, dict], **defaults: Any) -> Any:
        """Calls the entry named by ``config`` (a name, or a dict whose ``type`` is the name and whose
        other keys are keyword arguments, taking precedence over ``defaults``)."""
        if isinstance(config, str):
            return self.get(config)(**defaults)
        config = dict(config)
        if 'type' not in config:
            raise ValueError(f'a {self.kind} config needs type=<name>; registered: {", ".join(self.names())}')
        factory: Callable[..., Any] = self.get(config.pop('type'))
        return factory(**{**defaults, **config})

    def names(self) -> Tuple[str, ...]:
        return tuple(sorted(self._entries))

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f'Registry({self.kind!r}: {", ".join(self.names())})'

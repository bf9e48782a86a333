"""Addressing sub-modules by dotted name, with errors that say what the valid names are."""
import difflib
from typing import List

from torch import nn


def _candidates(model: nn.Module, depth: int) -> List[str]:
    return [name for name, _ in model.named_modules() if name and name.count('.') <= depth]


def resolve_module(model: nn.Module, name: str, role: str = 'module') -> nn.Module:
    """Return ``model.get_submodule(name)``; an unknown name raises a ``ValueError`` listing valid ones."""
    if name:
        try:
            return model.get_submodule(name)
        except AttributeError:
            pass
    depth = max(name.count('.'), 1)
    valid = _candidates(model, depth)
    close = difflib.get_close_matches(name, valid, n=5)
    hint = f' Did you mean: {", ".join(close)}?' if close else ''
    shown = valid if len(valid) <= 60 else valid[:60] + [f'... ({len(valid) - 60} more)']
    raise ValueError(f'unknown {role} {name!r} in {type(model).__name__}.{hint} '
                     f'Valid module names (up to depth {depth + 1}): {", ".join(shown)}')

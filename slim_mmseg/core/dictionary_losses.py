"""The SLIM loss dictionary: losses between a layer's clean and adversarial features.

Every entry maps ``(clean, adversarial)`` features of shape (N, ...) to a scalar. The clean feature
is a constant (detached) reference; the adversarial one carries the gradient. Reductions:

- ``mse``: mean of the squared difference over all elements (``||f(x) - f(x_adv)||^2`` divided by
  the number of elements, so that its scale does not depend on the layer's size);
- ``ortho``: ``cos(f(x), f(x_adv))^2`` with the cosine taken over each sample's flattened feature,
  averaged over the batch;
- ``reverse``: ``-cos(f(x), f(x_adv))``, same reduction.

At ``x_adv = x`` each of them is at an extremum, so its gradient vanishes there.

Extending the dictionary::

    @register_dictionary_loss('l1')
    def l1(clean, adversarial):
        return (clean - adversarial).abs().mean()

and then ``slim=dict(losses=['mse', 'l1'], ...)`` in a config.
"""
from typing import Callable, Dict, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

DictionaryLoss = Callable[[Tensor, Tensor], Tensor]

_DICTIONARY: Dict[str, DictionaryLoss] = {}


def register_dictionary_loss(name: str) -> Callable[[DictionaryLoss], DictionaryLoss]:
    """Decorator adding a loss to the dictionary under ``name``."""

    def add(fn: DictionaryLoss) -> DictionaryLoss:
        if name in _DICTIONARY:
            raise KeyError(f'a dictionary loss named {name!r} is already registered')
        _DICTIONARY[name] = fn
        return fn

    return add


def registered_dictionary_losses() -> Tuple[str, ...]:
    return tuple(sorted(_DICTIONARY))


def get_dictionary_loss(name: str) -> DictionaryLoss:
    try:
        return _DICTIONARY[name]
    except KeyError:
        raise KeyError(f'unknown SLIM dictionary loss {name!r}; registered losses: '
                       f'{", ".join(registered_dictionary_losses())}') from None


def check_dictionary_losses(names: Sequence[str]) -> Tuple[str, ...]:
    """Validate a config's choice of losses; returns them as a tuple."""
    names = tuple(names)
    if not names:
        raise ValueError('SLIM needs at least one dictionary loss')
    for name in names:
        get_dictionary_loss(name)
    return names


def _flat_cosine(clean: Tensor, adversarial: Tensor) -> Tensor:
    # Per-sample dot product as a batched matrix product and norms as reductions: unlike
    # F.cosine_similarity, no feature-sized temporary is created (or saved for backward) besides
    # the gradient itself, which matters on the largest (earliest) feature maps.
    clean, adversarial = clean.flatten(1), adversarial.flatten(1)
    dot = torch.bmm(clean.unsqueeze(1), adversarial.unsqueeze(2)).view(-1)
    return dot / (clean.norm(dim=1) * adversarial.norm(dim=1)).clamp_min(1e-8)


@register_dictionary_loss('mse')
def mse(clean: Tensor, adversarial: Tensor) -> Tensor:
    return F.mse_loss(adversarial, clean)


@register_dictionary_loss('ortho')
def ortho(clean: Tensor, adversarial: Tensor) -> Tensor:
    return _flat_cosine(clean, adversarial).pow(2).mean()


@register_dictionary_loss('reverse')
def reverse(clean: Tensor, adversarial: Tensor) -> Tensor:
    return -_flat_cosine(clean, adversarial).mean()

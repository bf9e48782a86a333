"""The SLIM loss dictionary: per-sample losses between a layer's clean and adversarial features.

Every entry maps ``(clean, adversarial)`` features of shape (N, ...) to per-sample values of shape
(N,), in the form the SLIM paper's Eq. 1 prints them, computed in float32 or wider (the squared differences
and dot products of large float16 feature maps overflow):

- ``mse``: ``||f(x) - f(x_adv)||^2_2``, the sum of squared differences over the sample's elements;
- ``ortho``: ``cos(f(x), f(x_adv))^2``, the cosine taken over the sample's flattened feature;
- ``reverse``: ``-cos(f(x), f(x_adv))``.

How the per-sample values become the term that is ascended (divided by the feature size or not,
mixed by gradient norms) is the SLIM term's ``scale`` (:mod:`.slim_term`). An entry registered with
``sums_over_elements=True`` is a sum over the feature's elements, which the ``'mean'`` scale divides
by their number. At ``x_adv = x`` every entry is at an extremum, so its gradient vanishes there.

Extending the dictionary::

    @register_dictionary_loss('l1', sums_over_elements=True)
    def l1(clean, adversarial):
        return (clean.float() - adversarial.float()).abs().flatten(1).sum(1)

and then ``slim=dict(losses=['mse', 'l1'], ...)`` in a config.
"""
from typing import Callable, Sequence, Tuple

import torch
from torch import Tensor

from .registry import Registry

DictionaryLoss = Callable[[Tensor, Tensor], Tensor]

DICTIONARY_LOSSES = Registry('SLIM dictionary loss')


def register_dictionary_loss(name: str, sums_over_elements: bool = False) -> Callable[[DictionaryLoss], DictionaryLoss]:
    """Decorator adding a per-sample loss to :data:`DICTIONARY_LOSSES` under ``name``."""

    def add(fn: DictionaryLoss) -> DictionaryLoss:
        fn.sums_over_elements = sums_over_elements
        return DICTIONARY_LOSSES.register(name, fn)

    return add


def check_dictionary_losses(names: Sequence[str]) -> Tuple[str, ...]:
    """Validate a config's choice of losses; returns them as a tuple."""
    names = tuple(names)
    if not names:
        raise ValueError('SLIM needs at least one dictionary loss')
    for name in names:
        DICTIONARY_LOSSES.get(name)
    return names


def _at_least_float32(tensor: Tensor) -> Tensor:
    return tensor if tensor.dtype in (torch.float32, torch.float64) else tensor.float()


def _flat_cosine(clean: Tensor, adversarial: Tensor) -> Tensor:
    # Per-sample dot product as a batched matrix product and norms as reductions: unlike
    # F.cosine_similarity, no feature-sized temporary is created (or saved for backward) besides
    # the gradient itself, which matters on the largest (earliest) feature maps. float32 with
    # autocast off: under float16 autocast the bmm would run (and overflow) in float16.
    with torch.autocast(adversarial.device.type, enabled=False):
        clean, adversarial = _at_least_float32(clean.flatten(1)), _at_least_float32(adversarial.flatten(1))
        dot = torch.bmm(clean.unsqueeze(1), adversarial.unsqueeze(2)).view(-1)
        return dot / (clean.norm(dim=1) * adversarial.norm(dim=1)).clamp_min(1e-8)


@register_dictionary_loss('mse', sums_over_elements=True)
def mse(clean: Tensor, adversarial: Tensor) -> Tensor:
    with torch.autocast(adversarial.device.type, enabled=False):
        return (_at_least_float32(adversarial.flatten(1)) - _at_least_float32(clean.flatten(1))).pow(2).sum(dim=1)


@register_dictionary_loss('ortho')
def ortho(clean: Tensor, adversarial: Tensor) -> Tensor:
    return _flat_cosine(clean, adversarial).pow(2)


@register_dictionary_loss('reverse')
def reverse(clean: Tensor, adversarial: Tensor) -> Tensor:
    return -_flat_cosine(clean, adversarial)

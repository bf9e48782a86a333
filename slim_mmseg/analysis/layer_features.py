"""Several layers' outputs from one forward pass, flattened per sample, and per-sample cosine."""
from contextlib import ExitStack, contextmanager
from typing import Dict, Iterator, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from slim_mmseg.core import capture_output, resolve_module

Features = Dict[str, Tensor]


def check_layers(model: nn.Module, layers: Sequence[str]) -> None:
    """A name that is not a module of ``model`` raises a ``ValueError`` listing the valid names."""
    if not layers:
        raise ValueError('no layers given: name at least one module, e.g. backbone.layer1')
    for layer in layers:
        resolve_module(model, layer, role='analysed layer')


@contextmanager
def recording_layers(model: nn.Module, layers: Sequence[str], detach: bool = True) -> Iterator[Features]:
    """Inside the block a forward of ``model`` records each layer's output (as
    :func:`slim_mmseg.core.as_feature`); the dict is filled on exit. ``detach=False`` keeps the
    outputs in the autograd graph (for gradients with respect to them)."""
    features: Features = {}
    with ExitStack() as stack:
        captured = {layer: stack.enter_context(capture_output(resolve_module(model, layer, role='analysed layer'),
                                                              detach=detach))
                    for layer in layers}
        yield features
        for layer, output in captured.items():
            features[layer] = output.feature


def layer_features(model: nn.Module, images: Tensor, layers: Sequence[str]) -> Features:
    """``{layer: (N, D) detached feature}`` from one no-grad forward of ``model`` on ``images``."""
    with torch.no_grad(), recording_layers(model, layers) as features:
        model(images)
    return {layer: feature.flatten(1) for layer, feature in features.items()}


def cosine_per_sample(a: Tensor, b: Tensor) -> Tensor:
    """``(N,)`` cosine between the flattened samples of ``a`` and ``b``; in [-1, 1]. A zero vector
    has cosine 0 with anything (``F.cosine_similarity``'s ``eps`` = 1e-8 floor on the norms)."""
    a, b = a.flatten(1), b.flatten(1)
    if a.shape != b.shape:
        raise ValueError(f'cosine needs features of the same shape, got {tuple(a.shape)} and {tuple(b.shape)} '
                         f'(flattened per sample)')
    return F.cosine_similarity(a.double(), b.double(), dim=1, eps=1e-8).clamp(-1, 1).float()

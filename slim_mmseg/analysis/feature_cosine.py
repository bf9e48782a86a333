"""Layer-wise cosine between clean and perturbed features (the SLIM paper's Fig. 2).

For each layer ``l`` and perturbation source ``x -> x'`` (PGD, PGD-CS, MART's attack, AdvStyle,
a random corruption; see :mod:`.perturbation_sources`), the mean over samples of
``cos(f_l(x), f_l(x'))`` with each feature flattened per sample. A perturbation that leaves a
layer's representation unchanged gives 1; the paper's claim is that output-layer adversaries drive
the deep layers' cosine down more than the shallow ones'.
"""
from typing import Callable, Dict, Iterable, Sequence, Tuple

import torch
from torch import Tensor, nn

from slim_mmseg.core import evaluation_mode

from .layer_features import check_layers, cosine_per_sample, layer_features

Perturb = Callable[[Tensor, Tensor], Tensor]


def feature_cosine(model: nn.Module, batches: Iterable[Tuple[Tensor, Tensor]], perturb: Perturb,
                   layers: Sequence[str]) -> Dict[str, float]:
    """Mean ``cos(f_l(x), f_l(perturb(x, y)))`` over all samples of ``batches``, per layer.

    Args:
        model: maps images ``(N, C, H, W)`` to logits; ``layers`` are its dotted module names.
        batches: ``(images, labels)`` pairs (labels are passed to ``perturb`` only).
        perturb: returns the perturbed images; it may run the model with gradients (an attack).
        layers: module names; an unknown name raises a ``ValueError`` listing the valid ones.

    Features are read with the whole model in evaluation mode (BN running statistics, no dropout),
    the mode every perturbation is compared under; the model's modes are restored afterwards.
    """
    check_layers(model, layers)
    sums = {layer: 0.0 for layer in layers}
    count = 0
    for images, labels in batches:
        perturbed = perturb(images, labels).detach()
        with evaluation_mode(model):
            clean = layer_features(model, images, layers)
            shifted = layer_features(model, perturbed, layers)
        for layer in layers:
            sums[layer] += float(cosine_per_sample(clean[layer], shifted[layer]).sum())
        count += images.shape[0]
    if count == 0:
        raise ValueError('feature_cosine got no batches')
    return {layer: total / count for layer, total in sums.items()}

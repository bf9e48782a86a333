"""Layer-wise cosine between clean and perturbed features (the SLIM paper's Fig. 2).

For each layer ``l`` and perturbation source ``x -> x'`` (PGD, PGD-CS, MART's attack, image-level
AdvStyle, a random corruption; see :mod:`.perturbation_sources`) or feature-level perturbation
inside the network (ASA; :mod:`.asa_source`), the mean over samples of
``cos(f_l(x), f_l(x'))`` with each feature flattened per sample. A perturbation that leaves a
layer's representation unchanged gives 1; the paper's claim is that output-layer adversaries drive
the deep layers' cosine down more than the shallow ones'.
"""
from typing import Callable, Dict, Iterable, Sequence, Tuple, Union

from torch import Tensor, nn

from slim_mmseg.core import evaluation_mode

from .layer_features import Features, check_layers, cosine_per_sample, layer_features

Perturb = Callable[[Tensor, Tensor], Tensor]


class PerturbedImages:
    """A pixel source ``perturb(images, labels) -> images`` (the attacks, image-level AdvStyle, the
    random corruption) as a feature source: the layers' features of the perturbed images, read
    with the whole model in evaluation mode."""

    def __init__(self, model: nn.Module, perturb: Perturb):
        self.model, self.perturb = model, perturb

    def perturbed_features(self, images: Tensor, labels: Tensor, layers: Sequence[str]) -> Features:
        perturbed = self.perturb(images, labels).detach()
        with evaluation_mode(self.model):
            return layer_features(self.model, perturbed, layers)


def as_feature_source(model: nn.Module, source):
    """A source with ``perturbed_features(images, labels, layers)`` (e.g. feature-level AdvStyle,
    which perturbs inside the network) as it is; a pixel ``perturb`` callable adapted by
    :class:`PerturbedImages`."""
    if hasattr(source, 'perturbed_features'):
        return source
    if callable(source):
        return PerturbedImages(model, source)
    raise TypeError(f'a perturbation source is perturb(images, labels) -> images or has '
                    f'perturbed_features(images, labels, layers); got {type(source).__name__}')


def feature_cosine(model: nn.Module, batches: Iterable[Tuple[Tensor, Tensor]], perturb: Union[Perturb, object],
                   layers: Sequence[str]) -> Dict[str, float]:
    """Mean ``cos(f_l(x), f_l(x'))`` over all samples of ``batches``, per layer.

    Args:
        model: maps images ``(N, C, H, W)`` to logits; ``layers`` are its dotted module names.
        batches: ``(images, labels)`` pairs (labels are passed to the source only).
        perturb: the source of ``f_l(x')``: either ``perturb(images, labels)`` returning perturbed
            images (it may run the model with gradients, as an attack does), or an object whose
            ``perturbed_features(images, labels, layers)`` returns ``{layer: (N, D) feature}`` of a
            perturbed forward pass (:class:`~.asa_source.ASAStyleSource`).
        layers: module names; an unknown name raises a ``ValueError`` listing the valid ones.

    Clean features are read with the whole model in evaluation mode (BN running statistics, no
    dropout), the mode every perturbation is compared under; the model's modes are restored
    afterwards.
    """
    check_layers(model, layers)
    source = as_feature_source(model, perturb)
    sums = {layer: 0.0 for layer in layers}
    count = 0
    for images, labels in batches:
        shifted = source.perturbed_features(images, labels, layers)
        with evaluation_mode(model):
            clean = layer_features(model, images, layers)
        for layer in layers:
            sums[layer] += float(cosine_per_sample(clean[layer], shifted[layer]).sum())
        count += images.shape[0]
    if count == 0:
        raise ValueError('feature_cosine got no batches')
    return {layer: total / count for layer, total in sums.items()}

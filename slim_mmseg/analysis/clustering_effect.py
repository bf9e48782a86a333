"""Clustering effect per layer (Jin et al., "Enhancing adversarial training with feature
separability", ICCV 2023; the SLIM paper's Table 5).

For each layer ``l`` and class ``c`` the centroid is built from the flattened features of the
*correctly classified* training samples of class ``c``. In the authors' code
(``SAT_defense/clustering/cluster_compute.py``) their sum is divided by the number of *all* class-``c``
training samples (``denominator='class'``, the default here); ``denominator='correct'`` gives the
plain mean of the correct ones. A test sample (clean, attacked or corrupted) is assigned to the
nearest centroid in L2 distance -- their Appendix B.1 says the 2-norm is used in all measures,
although the released code sets ``p = inf`` -- and the clustering accuracy of layer ``l`` is the
fraction of test samples whose nearest centroid is their own class.
"""
from typing import Callable, Dict, Iterable, Optional, Sequence, Tuple

import torch
from torch import Tensor, nn

from slim_mmseg.core import evaluation_mode

from .layer_features import check_layers, recording_layers

DENOMINATORS = ('class', 'correct')


def class_centroids(feature_sums: Tensor, class_counts: Tensor, correct_counts: Tensor,
                    denominator: str = 'class') -> Tensor:
    """``(K, D)`` centroids from per-class sums of correct samples' features ``(K, D)``.

    A class with no correctly classified training sample has no centroid: a ``ValueError`` names it
    (a nearest-centroid rule with a zero vector in its place would be silently wrong).
    """
    if denominator not in DENOMINATORS:
        raise ValueError(f'denominator must be one of {DENOMINATORS}, got {denominator!r}')
    empty = (correct_counts == 0).nonzero().flatten().tolist()
    if empty:
        raise ValueError(f'classes {empty} have no correctly classified training sample, so no centroid: '
                         f'use more training batches or a trained model')
    counts = class_counts if denominator == 'class' else correct_counts
    return feature_sums / counts.to(feature_sums).unsqueeze(1)


def nearest_centroid(features: Tensor, centroids: Tensor) -> Tensor:
    """``(N,)`` index of the L2-nearest centroid for each row of ``features`` ``(N, D)``."""
    return torch.cdist(features.double(), centroids.double()).argmin(dim=1)


def clustering_accuracy(model: nn.Module, layers: Sequence[str], train_batches: Iterable[Tuple[Tensor, Tensor]],
                        test_batches: Iterable[Tuple[Tensor, Tensor]], num_classes: int,
                        perturb: Optional[Callable[[Tensor, Tensor], Tensor]] = None,
                        denominator: str = 'class') -> Dict[str, float]:
    """Clustering accuracy (fraction) per layer.

    Args:
        model: a classifier mapping images to ``(N, K)`` logits, run in evaluation mode.
        layers: dotted module names; unknown names raise a ``ValueError`` listing the valid ones.
        train_batches, test_batches: ``(images, labels)`` with labels ``(N,)`` in ``[0, num_classes)``.
        num_classes: ``K``.
        perturb: applied to the test images (with their labels) before the features are read, e.g.
            an attack; ``None`` measures clean test samples.
        denominator: ``'class'`` (the authors' code) or ``'correct'``; see the module docstring.
    """
    check_layers(model, layers)
    sums: Dict[str, Tensor] = {}
    class_counts = torch.zeros(num_classes, dtype=torch.long)
    correct_counts = torch.zeros(num_classes, dtype=torch.long)
    with evaluation_mode(model):
        for images, labels in train_batches:
            with torch.no_grad(), recording_layers(model, layers) as features:
                logits = model(images)
            _check_classifier(logits, labels, num_classes)
            correct = logits.argmax(dim=1) == labels
            # The counters live on the labels' device (a CPU counter plus a CUDA bincount fails).
            class_counts = class_counts.to(labels.device) + torch.bincount(labels, minlength=num_classes)
            correct_counts = correct_counts.to(labels.device) + torch.bincount(labels[correct], minlength=num_classes)
            one_hot = torch.nn.functional.one_hot(labels[correct], num_classes).double()
            for layer in layers:
                flat = features[layer].flatten(1)[correct].double()
                sums[layer] = sums.get(layer, 0) + one_hot.T @ flat
        if not sums:
            raise ValueError('clustering_accuracy got no training batches')
        centroids = {layer: class_centroids(total, class_counts, correct_counts, denominator)
                     for layer, total in sums.items()}
        hits = {layer: 0 for layer in layers}
        total = 0
        for images, labels in test_batches:
            if perturb is not None:
                images = perturb(images, labels).detach()
            with torch.no_grad(), recording_layers(model, layers) as features:
                logits = model(images)
            _check_classifier(logits, labels, num_classes)
            for layer in layers:
                predicted = nearest_centroid(features[layer].flatten(1), centroids[layer])
                hits[layer] += int((predicted == labels).sum())
            total += labels.shape[0]
    if total == 0:
        raise ValueError('clustering_accuracy got no test batches')
    return {layer: count / total for layer, count in hits.items()}


def _check_classifier(logits: Tensor, labels: Tensor, num_classes: int) -> None:
    if logits.dim() != 2 or labels.dim() != 1:
        raise ValueError(f'the clustering effect needs a classifier (logits (N, K), labels (N,)); got logits '
                         f'{tuple(logits.shape)} and labels {tuple(labels.shape)} -- per-pixel clustering of '
                         f'segmentors is not implemented')
    if logits.shape[1] != num_classes:
        raise ValueError(f'num_classes={num_classes} but the model gives {logits.shape[1]} logits')

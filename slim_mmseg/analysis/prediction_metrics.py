"""Accuracy and cross-entropy of a classifier (``(N, K)`` logits) or a segmentor (``(N, K, H, W)``
logits at label resolution) on labelled batches, with mmseg's ignore index."""
from typing import Iterable, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

# mmseg's ``ignore_index`` (and ``seg_pad_val``): pixels labelled 255 count in neither metric.
IGNORE_INDEX = 255


def check_logits(logits: Tensor, labels: Tensor) -> None:
    """Logits ``(N, K)`` with labels ``(N,)``, or ``(N, K, H, W)`` with ``(N, H, W)``."""
    if logits.dim() != labels.dim() + 1 or logits.shape[0] != labels.shape[0] or \
            logits.shape[2:] != labels.shape[1:]:
        raise ValueError(f'logits {tuple(logits.shape)} do not match labels {tuple(labels.shape)}: '
                         f'expected (N, K) with (N,) or (N, K, H, W) with (N, H, W)')


def loss_and_correct(logits: Tensor, labels: Tensor) -> Tuple[Tensor, int, int]:
    """Summed cross-entropy over counted samples (pixels), the number correct and the number counted."""
    check_logits(logits, labels)
    loss = F.cross_entropy(logits, labels, ignore_index=IGNORE_INDEX, reduction='sum')
    counted = labels != IGNORE_INDEX
    correct = int(((logits.argmax(dim=1) == labels) & counted).sum())
    return loss, correct, int(counted.sum())


def mean_cross_entropy(logits: Tensor, labels: Tensor) -> Tensor:
    check_logits(logits, labels)
    return F.cross_entropy(logits, labels, ignore_index=IGNORE_INDEX)


def accuracy_and_loss(model: nn.Module, batches: Iterable[Tuple[Tensor, Tensor]]) -> Tuple[float, float]:
    """Accuracy (fraction, per sample or per labelled pixel) and mean cross-entropy, no grad."""
    total_loss, total_correct, total = 0.0, 0, 0
    with torch.no_grad():
        for images, labels in batches:
            loss, correct, counted = loss_and_correct(model(images), labels)
            total_loss += float(loss)
            total_correct += correct
            total += counted
    if total == 0:
        raise ValueError('no labelled sample in the batches (all labels are the ignore index, or no batch)')
    return total_correct / total, total_loss / total

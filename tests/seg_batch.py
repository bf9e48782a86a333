"""Square random segmentation batches for the model tests (``slim_mmseg.datasets.random_seg_batch``)."""
from slim_mmseg.datasets import random_seg_batch as batches


def random_seg_batch(n=2, size=32, num_classes=4, seed=0):
    return batches.random_seg_batch(n, (size, size), num_classes, seed)

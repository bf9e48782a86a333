"""Fashion-MNIST-C and the source split of its single-source DG protocol.

Files: written by ``tools/make_fashion_mnist_c.py`` (its docstring gives the corruptions, their
parameters and why some differ from CIFAR-10-C's)::

    <data_root>/<corruption>.npy          uint8 (5 * N, 28, 28): severities 1..5, N images each
    <data_root>/labels.npy                (5 * N,): the test labels, repeated per severity
    <data_root>/source_val_indices.npy    sorted indices into the 60000 training images held out
                                          for model selection

:class:`FashionMNISTCDataset` reads the corrupted test images (samples carry ``domain`` = the
corruption and ``severity``, for ``CorruptionAccuracy``); :class:`FashionMNISTSplitDataset` reads the
Fashion-MNIST training images either without the held-out ones (``part='train'``) or only them
(``part='source_val'``), so that selection never sees a test image.
"""
import os.path as osp
from typing import List

import numpy as np
from mmseg.registry import DATASETS

from .corrupted_arrays import SEVERITIES, CorruptedArrayDataset
from .fashion_mnist import DEBIAN_ROOT, FASHION_MNIST_CLASSES, FashionMNISTDataset

FASHION_MNIST_C_CORRUPTIONS = ('gaussian_noise', 'shot_noise', 'impulse_noise', 'defocus_blur',
                               'glass_blur', 'motion_blur', 'zoom_blur', 'snow', 'fog', 'rain',
                               'brightness', 'contrast', 'elastic_transform', 'pixelate',
                               'jpeg_compression')
FASHION_MNIST_C_SEVERITIES = SEVERITIES
SOURCE_VAL_INDICES = 'source_val_indices.npy'
HOW_TO_MAKE = 'Generate it: python tools/make_fashion_mnist_c.py --out {root}'


@DATASETS.register_module()
class FashionMNISTCDataset(CorruptedArrayDataset):
    """Fashion-MNIST-C's 28x28 grey images (:class:`.corrupted_arrays.CorruptedArrayDataset`)."""

    NAME = 'Fashion-MNIST-C'
    CORRUPTIONS = FASHION_MNIST_C_CORRUPTIONS
    IMAGE_SHAPE = (28, 28)
    MISSING_HINT = HOW_TO_MAKE
    METAINFO = dict(classes=FASHION_MNIST_CLASSES)


@DATASETS.register_module()
class FashionMNISTSplitDataset(FashionMNISTDataset):
    """The Fashion-MNIST training images without (``part='train'``) or only (``part='source_val'``)
    the held-out indices of ``<split_root>/source_val_indices.npy``.

    Args:
        part: 'train' or 'source_val'.
        split_root: the Fashion-MNIST-C folder holding the indices file.
        domain: the ``domain`` metainfo (default: the part's name).
        data_root: the Fashion-MNIST IDX folder (default: Debian's).
        num_samples: keep the first ``num_samples`` images of the part.
    """

    PARTS = ('train', 'source_val')

    def __init__(self, part: str, split_root: str, domain: str = None, data_root: str = DEBIAN_ROOT,
                 **kwargs):
        if part not in self.PARTS:
            raise ValueError(f"Unknown part '{part}'; valid: {self.PARTS}")
        self.part = part
        self.split_root = split_root
        super().__init__(split='train', domain=domain or part, data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        limit, self.num_samples = self.num_samples, None  # the limit applies to the part, below
        data_list = super().load_data_list()
        self.num_samples = limit
        path = osp.join(self.split_root, SOURCE_VAL_INDICES)
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path} is missing. ' + HOW_TO_MAKE.format(root=self.split_root))
        held_out = np.load(path)
        if held_out.ndim != 1 or len(np.unique(held_out)) != len(held_out) or \
                (len(held_out) and (held_out.min() < 0 or held_out.max() >= len(data_list))):
            raise ValueError(f'{path}: expected distinct indices in 0..{len(data_list) - 1}, got '
                             f'shape {held_out.shape}, range {held_out.min()}..{held_out.max()}')
        keep = np.zeros(len(data_list), bool)
        keep[held_out] = True
        if self.part == 'train':
            keep = ~keep
        kept = [info for info, chosen in zip(data_list, keep) if chosen]
        return kept if self.num_samples is None else kept[:self.num_samples]

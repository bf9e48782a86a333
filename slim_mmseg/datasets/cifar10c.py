"""CIFAR-10-C (Hendrycks & Dietterich, ICLR 2019) from the released ``.npy`` files.

Layout: ``<data_root>/<corruption>.npy`` (50000 x 32 x 32 x 3 uint8 RGB: severities 1..5, 10000
images each, in that order) and ``<data_root>/labels.npy`` (50000 labels, the CIFAR-10 test
labels repeated per severity). The arrays are memory-mapped and fed as they are: re-encoding them
(e.g. to JPEG) would change the test data.
"""
import os.path as osp
from typing import Dict, List, Sequence

import numpy as np
from mmengine.dataset import BaseDataset
from mmseg.registry import DATASETS

from .cifar10 import CIFAR10_CLASSES

CIFAR10C_CORRUPTIONS = ('gaussian_noise', 'shot_noise', 'impulse_noise', 'defocus_blur',
                        'glass_blur', 'motion_blur', 'zoom_blur', 'snow', 'frost', 'fog',
                        'brightness', 'contrast', 'elastic_transform', 'pixelate',
                        'jpeg_compression')
CIFAR10C_SEVERITIES = (1, 2, 3, 4, 5)


@DATASETS.register_module()
class CIFAR10CDataset(BaseDataset):
    """Samples carry ``img`` (RGB uint8), ``gt_label``, ``domain`` (the corruption name) and
    ``severity`` (1..5).

    Args:
        corruptions: corruption names to read (default: the 15 of the benchmark).
        severities: severities to read (default: 1..5).
    """

    METAINFO = dict(classes=CIFAR10_CLASSES)

    def __init__(self,
                 corruptions: Sequence[str] = CIFAR10C_CORRUPTIONS,
                 severities: Sequence[int] = CIFAR10C_SEVERITIES,
                 **kwargs):
        unknown = [c for c in corruptions if c not in CIFAR10C_CORRUPTIONS]
        if unknown or not corruptions:
            raise ValueError(f'Unknown CIFAR-10-C corruptions {unknown or corruptions}; valid: '
                             f'{CIFAR10C_CORRUPTIONS}')
        bad_severities = [s for s in severities if s not in CIFAR10C_SEVERITIES]
        if bad_severities or not severities:
            raise ValueError(f'Unknown CIFAR-10-C severities {bad_severities or severities}; '
                             f'valid: {CIFAR10C_SEVERITIES}')
        self.corruptions = tuple(corruptions)
        self.severities = tuple(severities)
        self.arrays: Dict[str, np.ndarray] = {}
        super().__init__(**kwargs)

    def load_data_list(self) -> List[dict]:
        labels_path = osp.join(self.data_root, 'labels.npy')
        paths = {c: osp.join(self.data_root, f'{c}.npy') for c in self.corruptions}
        missing = [p for p in [labels_path, *paths.values()] if not osp.isfile(p)]
        if missing:
            raise FileNotFoundError(f'Missing CIFAR-10-C files: {missing}. Extract '
                                    f'CIFAR-10-C.tar into data_root ({self.data_root})')
        labels = np.load(labels_path)
        num_images = len(labels)
        if labels.ndim != 1 or num_images % len(CIFAR10C_SEVERITIES):
            raise ValueError(f'{labels_path}: expected 1-D labels, five equal severity blocks; '
                             f'got shape {labels.shape}')
        per_severity = num_images // len(CIFAR10C_SEVERITIES)
        data_list = []
        for corruption, path in paths.items():
            images = np.load(path, mmap_mode='r')
            if images.shape != (num_images, 32, 32, 3) or images.dtype != np.uint8:
                raise ValueError(f'{path}: expected uint8 array of shape ({num_images}, 32, 32, '
                                 f'3) matching labels.npy, got {images.dtype} {images.shape}')
            self.arrays[corruption] = images
            for severity in self.severities:
                start = (severity - 1) * per_severity
                data_list.extend(
                    dict(row=row, gt_label=int(labels[row]), domain=corruption, severity=severity)
                    for row in range(start, start + per_severity))
        return data_list

    def get_data_info(self, idx: int) -> dict:
        info = super().get_data_info(idx)
        info['img'] = np.array(self.arrays[info['domain']][info['row']])
        info['img_shape'] = info['ori_shape'] = (32, 32)
        return info

"""The base of the corruption benchmarks stored as arrays (CIFAR-10-C's release format).

Layout: ``<data_root>/<corruption>.npy`` (5 * N images of ``IMAGE_SHAPE``, uint8: severities 1..5,
N images each, in that order) and ``<data_root>/labels.npy`` (the 5 * N labels, the clean test labels
repeated per severity). The arrays are memory-mapped and fed as they are: re-encoding them (e.g. to
JPEG) would change the test data. Samples carry ``img``, ``gt_label``, ``domain`` (the corruption
name, for ``CorruptionAccuracy``) and ``severity`` (1..5).
"""
import os.path as osp
from typing import Dict, List, Sequence, Tuple

import numpy as np
from mmengine.dataset import BaseDataset

SEVERITIES = (1, 2, 3, 4, 5)


class CorruptedArrayDataset(BaseDataset):
    """Subclasses set ``NAME`` (for messages), ``CORRUPTIONS``, ``IMAGE_SHAPE`` (one image's array shape),
    ``MISSING_HINT`` (how to get the files, ``{root}`` filled in) and ``METAINFO``.

    Args:
        corruptions: corruption names to read (default: every one of the benchmark).
        severities: severities to read (default: 1..5).
    """

    NAME: str = ''
    CORRUPTIONS: Tuple[str, ...] = ()
    IMAGE_SHAPE: Tuple[int, ...] = ()
    MISSING_HINT: str = ''

    def __init__(self, corruptions: Sequence[str] = None, severities: Sequence[int] = SEVERITIES, **kwargs):
        corruptions = self.CORRUPTIONS if corruptions is None else corruptions
        unknown = [c for c in corruptions if c not in self.CORRUPTIONS]
        if unknown or not corruptions:
            raise ValueError(f'Unknown {self.NAME} corruptions {unknown or corruptions}; valid: {self.CORRUPTIONS}')
        bad = [s for s in severities if s not in SEVERITIES]
        if bad or not severities:
            raise ValueError(f'Unknown {self.NAME} severities {bad or severities}; valid: {SEVERITIES}')
        self.corruptions = tuple(corruptions)
        self.severities = tuple(severities)
        self.arrays: Dict[str, np.ndarray] = {}
        super().__init__(**kwargs)

    def load_data_list(self) -> List[dict]:
        labels_path = osp.join(self.data_root, 'labels.npy')
        paths = {c: osp.join(self.data_root, f'{c}.npy') for c in self.corruptions}
        missing = [p for p in [labels_path, *paths.values()] if not osp.isfile(p)]
        if missing:
            raise FileNotFoundError(f'Missing {self.NAME} files: {missing}. '
                                    + self.MISSING_HINT.format(root=self.data_root))
        labels = np.load(labels_path)
        count = len(labels)
        if labels.ndim != 1 or count % len(SEVERITIES):
            raise ValueError(f'{labels_path}: expected 1-D labels in five equal severity blocks; '
                             f'got shape {labels.shape}')
        per_severity = count // len(SEVERITIES)
        data_list = []
        for corruption, path in paths.items():
            images = np.load(path, mmap_mode='r')
            if images.shape != (count, *self.IMAGE_SHAPE) or images.dtype != np.uint8:
                raise ValueError(f'{path}: expected a uint8 array of shape {(count, *self.IMAGE_SHAPE)} '
                                 f'matching labels.npy, got {images.dtype} {images.shape}')
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
        info['img_shape'] = info['ori_shape'] = self.IMAGE_SHAPE[:2]
        return info

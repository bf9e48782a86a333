"""CIFAR-10 from the standard python-pickle batches.

Layout: ``<data_root>/data_batch_1`` .. ``data_batch_5`` (training) and ``test_batch``, as in the
``cifar-10-batches-py`` folder of the official archive. Each batch is a pickled dict with
``b'data'`` (N x 3072 uint8, the red, green then blue 32x32 planes) and ``b'labels'``. Images are
kept in memory as RGB HWC uint8 arrays (the data preprocessor must not swap channels).
"""
import os.path as osp
import pickle
from typing import List

import numpy as np
from mmengine.dataset import BaseDataset
from mmseg.registry import DATASETS

CIFAR10_CLASSES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse',
                   'ship', 'truck')
CIFAR10_BATCHES = dict(train=tuple(f'data_batch_{i}' for i in range(1, 6)), test=('test_batch', ))


@DATASETS.register_module()
class CIFAR10Dataset(BaseDataset):
    """Samples carry ``img`` (32x32x3 RGB uint8), ``gt_label`` and ``domain``.

    Args:
        split: 'train' (data_batch_1..5) or 'test' (test_batch).
        domain: the ``domain`` metainfo of every sample ('clean' groups CIFAR-10 test accuracy
            apart from the corruptions in the CIFAR-10-C metric).
    """

    METAINFO = dict(classes=CIFAR10_CLASSES)

    def __init__(self, split: str, domain: str = 'clean', **kwargs):
        if split not in CIFAR10_BATCHES:
            raise ValueError(f"Unknown CIFAR-10 split '{split}'; valid: {tuple(CIFAR10_BATCHES)}")
        self.split = split
        self.domain = domain
        self.images = np.zeros((0, 32, 32, 3), np.uint8)
        super().__init__(**kwargs)

    def load_data_list(self) -> List[dict]:
        paths = [osp.join(self.data_root, name) for name in CIFAR10_BATCHES[self.split]]
        missing = [path for path in paths if not osp.isfile(path)]
        if missing:
            raise FileNotFoundError(f'Missing CIFAR-10 batches: {missing}. Extract '
                                    f'cifar-10-python.tar.gz and point data_root at its '
                                    f'cifar-10-batches-py folder')
        images, labels = [], []
        for path in paths:
            with open(path, 'rb') as batch_file:
                batch = pickle.load(batch_file, encoding='bytes')
            data = np.asarray(batch[b'data'], dtype=np.uint8)
            if data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
                raise ValueError(f'{path}: expected data of shape (N, 3072), got {data.shape}')
            images.append(data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
            labels.extend(int(label) for label in batch[b'labels'])
        self.images = np.ascontiguousarray(np.concatenate(images))
        if len(labels) != len(self.images):
            raise ValueError(f'CIFAR-10 {self.split}: {len(self.images)} images but '
                             f'{len(labels)} labels')
        return [dict(image_index=index, gt_label=label, domain=self.domain)
                for index, label in enumerate(labels)]

    def get_data_info(self, idx: int) -> dict:
        info = super().get_data_info(idx)
        info['img'] = self.images[info['image_index']]
        info['img_shape'] = info['ori_shape'] = (32, 32)
        return info

"""Fashion-MNIST (Xiao et al., 2017) from the standard IDX files.

Files: ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte`` (60000 images) and
``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte`` (10000), each plain or gzipped (``.gz``).
``data_root`` may be either layout:

- Debian's ``dataset-fashion-mnist`` package: ``/usr/share/datasets/fashion-mnist/*.gz``
  (``apt-get install dataset-fashion-mnist``; ``tools/setup_env.sh`` installs it where it can);
- torchvision's: ``<data_root>/FashionMNIST/raw/`` (``torchvision.datasets.FashionMNIST(root,
  download=True)``).

IDX format (LeCun et al.'s MNIST page): a big-endian header ``0x0000 <type> <ndim>`` with type
``0x08`` (unsigned byte), then ``ndim`` big-endian int32 sizes, then the data. Images are 28x28
grey levels, 0 = background; labels 0..9. Samples carry ``img`` (28x28 uint8, one channel),
``gt_label`` and ``domain``.
"""
import gzip
import os.path as osp
from typing import List, Optional

import numpy as np
from mmengine.dataset import BaseDataset
from mmseg.registry import DATASETS

FASHION_MNIST_CLASSES = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt',
                         'Sneaker', 'Bag', 'Ankle boot')
FASHION_MNIST_FILES = dict(train=('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
                           test=('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'))
DEBIAN_ROOT = '/usr/share/datasets/fashion-mnist'
TORCHVISION_SUBDIR = osp.join('FashionMNIST', 'raw')
HOW_TO_GET = (f'Install it with `apt-get install dataset-fashion-mnist` (files under {DEBIAN_ROOT}) '
              f'or download it with torchvision.datasets.FashionMNIST(root, download=True) and set '
              f'data_root to that root')


def read_idx(path: str) -> np.ndarray:
    """An IDX file (plain or gzipped) as a uint8 array of the shape its header gives."""
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as idx_file:
        data = idx_file.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f'{path}: not an unsigned-byte IDX file (header {data[:4].hex()})')
    ndim = data[3]
    header = 4 + 4 * ndim
    shape = tuple(int(v) for v in np.frombuffer(data[4:header], dtype='>i4'))
    expected = int(np.prod(shape))
    if len(data) - header != expected:
        raise ValueError(f'{path}: header says shape {shape} ({expected} bytes) but the file holds '
                         f'{len(data) - header} bytes of data')
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def find_idx_file(data_root: str, name: str) -> Optional[str]:
    for folder in (data_root, osp.join(data_root, TORCHVISION_SUBDIR)):
        for candidate in (name, name + '.gz'):
            path = osp.join(folder, candidate)
            if osp.isfile(path):
                return path
    return None


@DATASETS.register_module()
class FashionMNISTDataset(BaseDataset):
    """Args:
        split: 'train' (60000 images) or 'test' (10000, the ``t10k`` files).
        num_samples: keep the first ``num_samples`` images of the split (short CPU schedules);
            ``None`` keeps all. The files list the classes in a balanced, shuffled order.
        domain: the ``domain`` metainfo of every sample.
        data_root: the folder holding the files, in either layout above (default: Debian's).
    """

    METAINFO = dict(classes=FASHION_MNIST_CLASSES)

    def __init__(self, split: str, num_samples: Optional[int] = None, domain: str = 'clean',
                 data_root: str = DEBIAN_ROOT, **kwargs):
        if split not in FASHION_MNIST_FILES:
            raise ValueError(f"Unknown Fashion-MNIST split '{split}'; valid: {tuple(FASHION_MNIST_FILES)}")
        if num_samples is not None and num_samples < 1:
            raise ValueError(f'num_samples must be >= 1 or None, got {num_samples}')
        self.split = split
        self.num_samples = num_samples
        self.domain = domain
        self.images = np.zeros((0, 28, 28), np.uint8)
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        paths = []
        for name in FASHION_MNIST_FILES[self.split]:
            path = find_idx_file(self.data_root, name)
            if path is None:
                raise FileNotFoundError(
                    f'Fashion-MNIST file not found: {osp.abspath(osp.join(self.data_root, name))}[.gz] '
                    f'(nor under {TORCHVISION_SUBDIR}/). {HOW_TO_GET}')
            paths.append(path)
        images, labels = (read_idx(path) for path in paths)
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(f'Fashion-MNIST {self.split}: images {images.shape} and labels '
                             f'{labels.shape} do not match ({paths})')
        if labels.size and labels.max() >= len(FASHION_MNIST_CLASSES):
            raise ValueError(f'{paths[1]}: label {labels.max()} out of range 0..9')
        keep = len(labels) if self.num_samples is None else min(self.num_samples, len(labels))
        self.images = images[:keep].copy()  # writable (np.frombuffer is read-only)
        return [dict(image_index=index, gt_label=int(label), domain=self.domain)
                for index, label in enumerate(labels[:keep])]

    def get_data_info(self, idx: int) -> dict:
        info = super().get_data_info(idx)
        info['img'] = self.images[info['image_index']]
        info['img_shape'] = info['ori_shape'] = self.images.shape[1:]
        return info

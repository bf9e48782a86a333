"""CIFAR-10-C (Hendrycks & Dietterich, ICLR 2019) from the released ``.npy`` files:
``<data_root>/<corruption>.npy`` (50000 x 32 x 32 x 3 uint8 RGB) and ``labels.npy``, in the layout
of :mod:`.corrupted_arrays`.
"""
from mmseg.registry import DATASETS

from .cifar10 import CIFAR10_CLASSES
from .corrupted_arrays import SEVERITIES, CorruptedArrayDataset

CIFAR10C_CORRUPTIONS = ('gaussian_noise', 'shot_noise', 'impulse_noise', 'defocus_blur',
                        'glass_blur', 'motion_blur', 'zoom_blur', 'snow', 'frost', 'fog',
                        'brightness', 'contrast', 'elastic_transform', 'pixelate',
                        'jpeg_compression')
CIFAR10C_SEVERITIES = SEVERITIES


@DATASETS.register_module()
class CIFAR10CDataset(CorruptedArrayDataset):
    """CIFAR-10-C's 32x32 RGB images (:class:`.corrupted_arrays.CorruptedArrayDataset`)."""

    NAME = 'CIFAR-10-C'
    CORRUPTIONS = CIFAR10C_CORRUPTIONS
    IMAGE_SHAPE = (32, 32, 3)
    MISSING_HINT = 'Extract CIFAR-10-C.tar into data_root ({root})'
    METAINFO = dict(classes=CIFAR10_CLASSES)

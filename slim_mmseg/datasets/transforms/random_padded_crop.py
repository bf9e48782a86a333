"""Zero-pad then randomly crop back to the original size (the standard CIFAR augmentation)."""
import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomPaddedCrop(BaseTransform):
    """Pad ``padding`` pixels of ``pad_val`` on every side, then crop a random window of the
    original size (torchvision's ``RandomCrop(32, padding=4)`` on CIFAR).

    mmcv's ``Pad`` pads only bottom/right and mmseg's ``RandomCrop`` needs a segmentation map,
    hence this transform.
    """

    def __init__(self, padding: int = 4, pad_val: int = 0):
        if padding < 0:
            raise ValueError(f'padding must be >= 0, got {padding}')
        self.padding = padding
        self.pad_val = pad_val

    @cache_randomness
    def offset(self):
        return tuple(np.random.randint(0, 2 * self.padding + 1, size=2))

    def transform(self, results: dict) -> dict:
        img = results['img']
        height, width = img.shape[:2]
        pad = [(self.padding, self.padding)] * 2 + [(0, 0)] * (img.ndim - 2)
        padded = np.pad(img, pad, mode='constant', constant_values=self.pad_val)
        top, left = self.offset()
        results['img'] = padded[top:top + height, left:left + width]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(padding={self.padding}, pad_val={self.pad_val})'

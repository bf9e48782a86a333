"""A small real-data domain-shift benchmark from data that ships with packages.

Source domain: scikit-learn's handwritten digits (1797 8x8 scans, UCI), upscaled to
``image_size`` as a light digit on black. Target domains render the same digit layouts with a
different style: random foreground/background colours, photographic backgrounds (crops of the
photographs shipped by scikit-image), Gaussian noise, blur and low contrast. The digits are split
once (stratified, ``split_seed``) into train / val / test, so target test images never show a
training digit; styles are drawn per image from a generator seeded by (style_seed, domain, index),
so every build gives the same images.
"""
from functools import lru_cache
from typing import List, Sequence, Tuple

import mmcv
import numpy as np
from mmengine.dataset import BaseDataset
from mmseg.registry import DATASETS
from scipy.ndimage import gaussian_filter
from skimage import data as skimage_data
from skimage.transform import resize
from sklearn.datasets import load_digits

DIGIT_DOMAINS = ('source', 'colour', 'texture', 'noise', 'blur', 'contrast')
DIGIT_SPLITS = ('train', 'val', 'test')
BACKGROUND_PHOTOS = ('astronaut', 'coffee', 'chelsea', 'rocket', 'hubble_deep_field',
                     'immunohistochemistry', 'brick', 'grass', 'gravel')


PHOTO_SHORT_SIDE = 96


@lru_cache(maxsize=None)
def background_photos() -> Tuple[np.ndarray, ...]:
    """The scikit-image photographs as float RGB arrays in [0, 1], shrunk once to a short side of
    ``PHOTO_SHORT_SIDE`` pixels so that cropping and resizing per image stays cheap."""
    photos = []
    for name in BACKGROUND_PHOTOS:
        photo = getattr(skimage_data, name)().astype(np.float32) / 255.
        if photo.ndim == 2:
            photo = np.repeat(photo[..., None], 3, axis=2)
        scale = PHOTO_SHORT_SIDE / min(photo.shape[:2])
        shape = (round(photo.shape[0] * scale), round(photo.shape[1] * scale))
        photos.append(resize(photo, shape, anti_aliasing=True).astype(np.float32))
    return tuple(photos)


def stratified_split(labels: np.ndarray, fractions: Sequence[float], seed: int) -> List[np.ndarray]:
    """Indices of each split, the same fraction of every class in each, sorted."""
    rng = np.random.default_rng(seed)
    splits = [[] for _ in fractions]
    bounds = np.cumsum(fractions)[:-1] / np.sum(fractions)
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        cuts = np.round(bounds * len(members)).astype(int)
        for split, part in zip(splits, np.split(members, cuts)):
            split.extend(part.tolist())
    return [np.sort(np.asarray(split, dtype=int)) for split in splits]


def render(strokes: np.ndarray, domain: str, rng: np.random.Generator) -> np.ndarray:
    """An RGB uint8 image of a digit in ``domain`` style; ``strokes`` is its ink in [0, 1]."""
    ink = strokes[..., None]
    if domain == 'source':
        image = np.repeat(ink, 3, axis=2)
    elif domain == 'colour':
        foreground, background = rng.uniform(size=3), rng.uniform(size=3)
        while np.abs(foreground - background).sum() < 0.9:
            foreground, background = rng.uniform(size=3), rng.uniform(size=3)
        image = background * (1 - ink) + foreground * ink
    elif domain == 'texture':
        photos = background_photos()
        photo = photos[rng.integers(len(photos))]
        size = strokes.shape[0]
        crop = int(rng.integers(size, max(size, min(photo.shape[:2]) // 2) + 1))
        top = rng.integers(photo.shape[0] - crop + 1)
        left = rng.integers(photo.shape[1] - crop + 1)
        background = mmcv.imresize(photo[top:top + crop, left:left + crop], strokes.shape[::-1],
                                   interpolation='area')
        foreground = rng.uniform(size=3)
        image = background * (1 - ink) + foreground * ink
    elif domain == 'noise':
        image = np.repeat(ink, 3, axis=2) + rng.normal(0., 0.3, size=ink.shape[:2] + (3, ))
    elif domain == 'blur':
        # sigma in pixels of the original 8x8 scan, whatever the rendered size
        sigma = rng.uniform(0.4, 0.6) * strokes.shape[0] / 8
        image = np.repeat(gaussian_filter(strokes, sigma=sigma)[..., None], 3, axis=2)
    elif domain == 'contrast':
        level, amplitude = rng.uniform(0.3, 0.7), rng.uniform(0.1, 0.2)
        image = np.repeat(level + amplitude * (ink - 0.5), 3, axis=2)
    else:
        raise ValueError(f"Unknown digits domain '{domain}'; valid: {DIGIT_DOMAINS}")
    return np.round(np.clip(image, 0., 1.) * 255).astype(np.uint8)


@DATASETS.register_module()
class DigitsStyleShiftDataset(BaseDataset):
    """Samples carry ``img`` (RGB uint8, ``image_size`` square), ``gt_label`` (0..9) and
    ``domain``.

    Args:
        domains: styles to render, from 'source', 'colour', 'texture', 'noise', 'blur',
            'contrast'.
        split: 'train', 'val' or 'test' part of the digits.
        image_size: side of the rendered images.
        split_fractions: train / val / test fractions of each class.
        split_seed: seed of the digit split (keep it fixed across runs and domains).
        style_seed: seed of the per-image style draws.
    """

    METAINFO = dict(classes=tuple(str(digit) for digit in range(10)))

    def __init__(self,
                 domains: Sequence[str],
                 split: str,
                 image_size: int = 32,
                 split_fractions: Sequence[float] = (0.6, 0.2, 0.2),
                 split_seed: int = 0,
                 style_seed: int = 0,
                 **kwargs):
        if isinstance(domains, str):
            domains = [domains]
        unknown = [d for d in domains if d not in DIGIT_DOMAINS]
        if unknown or not domains:
            raise ValueError(f'Unknown digits domains {unknown or domains}; valid: '
                             f'{DIGIT_DOMAINS}')
        if split not in DIGIT_SPLITS:
            raise ValueError(f"Unknown digits split '{split}'; valid: {DIGIT_SPLITS}")
        if len(split_fractions) != len(DIGIT_SPLITS) or min(split_fractions) <= 0:
            raise ValueError(f'split_fractions needs three positive fractions (train, val, '
                             f'test), got {split_fractions}')
        self.domains = tuple(domains)
        self.split = split
        self.image_size = image_size
        self.split_fractions = tuple(split_fractions)
        self.split_seed = split_seed
        self.style_seed = style_seed
        self.images = np.zeros((0, image_size, image_size, 3), np.uint8)
        super().__init__(**kwargs)

    def load_data_list(self) -> List[dict]:
        digits = load_digits()
        indices = stratified_split(digits.target, self.split_fractions,
                                   self.split_seed)[DIGIT_SPLITS.index(self.split)]
        size = (self.image_size, self.image_size)
        images, data_list = [], []
        for domain in self.domains:
            domain_index = DIGIT_DOMAINS.index(domain)
            for index in indices:
                strokes = mmcv.imresize((digits.images[index] / 16.).astype(np.float32), size,
                                        interpolation='bilinear')
                rng = np.random.default_rng([self.style_seed, domain_index, int(index)])
                images.append(render(np.clip(strokes, 0., 1.), domain, rng))
                data_list.append(dict(image_index=len(data_list), digit_index=int(index),
                                      gt_label=int(digits.target[index]), domain=domain))
        self.images = np.stack(images)
        return data_list

    def get_data_info(self, idx: int) -> dict:
        info = super().get_data_info(idx)
        info['img'] = self.images[info['image_index']]
        info['img_shape'] = info['ori_shape'] = self.images.shape[1:3]
        return info

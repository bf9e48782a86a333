"""SynthStreets domain styles: how one scene looks in the source and in each target domain.

- ``gta5`` (source): vivid, sharp, clean renderings.
- ``overcast``: washed-out, desaturated, greenish-grey palette, dirtier (stronger) surface texture and
  slight blur, i.e. a GTA5 -> Cityscapes-like look.
- ``foggy``: depth-dependent fog (far things fade into a grey veil) and blur.
- ``dusk``: dark, warm-tinted, low-contrast illumination with strong sensor noise.
"""
from typing import Callable, Dict

import cv2
import numpy as np

from .scene import FAR_DEPTH, _ID, render_scene

def _smooth_noise(rng: np.random.Generator, height: int, width: int, cells: int) -> np.ndarray:
    coarse = rng.standard_normal((cells, 2 * cells)).astype(np.float32)
    return cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)


def _texture(rng, albedo: np.ndarray, label: np.ndarray, strength: float, grain: float) -> np.ndarray:
    """Surface texture: blotchy low-frequency shading, leafy speckle on vegetation, pixel grain."""
    h, w = label.shape
    img = albedo.astype(np.float32) / 255.0
    blotches = 0.6 * _smooth_noise(rng, h, w, 4) + 0.4 * _smooth_noise(rng, h, w, 16)
    img *= (1.0 + strength * blotches)[..., None]
    leaves = label == _ID['vegetation']
    img[leaves] *= 1.0 + 2.0 * strength * rng.standard_normal((int(leaves.sum()), 1)).astype(np.float32)
    img += grain * rng.standard_normal(img.shape).astype(np.float32)
    return np.clip(img, 0.0, 1.0)


def _blur(img: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(img, (0, 0), sigma)


def _saturation(img: np.ndarray, factor: float) -> np.ndarray:
    gray = img.mean(axis=2, keepdims=True)
    return gray + factor * (img - gray)


def _style_gta5(rng, albedo, label, depth):
    img = _texture(rng, albedo, label, strength=0.08, grain=0.01)
    return np.clip(_saturation(img, rng.uniform(1.05, 1.25)) * rng.uniform(0.95, 1.1), 0, 1)


def _style_overcast(rng, albedo, label, depth):
    img = _texture(rng, albedo, label, strength=0.3, grain=0.03)
    img = _saturation(img, rng.uniform(0.25, 0.45))
    img = img * np.float32(rng.uniform(0.55, 0.7)) + np.float32(rng.uniform(0.12, 0.2))
    img = img * np.asarray([0.92, 1.0, 0.9], np.float32)
    return np.clip(_blur(img, 0.8), 0, 1)


def _style_foggy(rng, albedo, label, depth):
    img = _texture(rng, albedo, label, strength=0.08, grain=0.015)
    density = rng.uniform(3.0, 4.5)
    transmission = np.exp(-density * np.minimum(depth, FAR_DEPTH) / FAR_DEPTH * 1.6)[..., None]
    veil = np.asarray(rng.uniform(0.72, 0.85) + rng.normal(0, 0.02, 3), np.float32)
    img = img * transmission * np.float32(0.85) + veil * (1 - transmission)
    return np.clip(_blur(img.astype(np.float32), 1.0), 0, 1)


def _style_dusk(rng, albedo, label, depth):
    img = _texture(rng, albedo, label, strength=0.08, grain=0.0)
    img = np.power(img, np.float32(rng.uniform(1.1, 1.3))) * np.float32(rng.uniform(0.45, 0.6))
    img = img * np.asarray([1.25, 0.9, 0.75], np.float32) + np.asarray([0.05, 0.02, 0.06], np.float32)
    img += np.float32(0.035) * rng.standard_normal(img.shape).astype(np.float32)
    return np.clip(img, 0, 1)


STYLES: Dict[str, Callable] = dict(gta5=_style_gta5, overcast=_style_overcast, foggy=_style_foggy,
                                   dusk=_style_dusk)
_DOMAIN_INDEX = {name: k for k, name in enumerate(STYLES)}
_SPLIT_INDEX = {'train': 0, 'val': 1}


def render_sample(seed: int, domain: str, split: str, index: int, height: int = 128, width: int = 256):
    """One styled sample: (RGB uint8 image, Cityscapes label ids uint8). Pure function of its args."""
    if domain not in STYLES:
        raise ValueError(f'unknown SynthStreets domain {domain!r}; valid: {sorted(STYLES)}')
    rng = np.random.default_rng([seed, _DOMAIN_INDEX[domain], _SPLIT_INDEX[split], index])
    label, albedo, depth = render_scene(rng, height, width)
    image = STYLES[domain](rng, albedo, label, depth)
    return np.round(image * 255).astype(np.uint8), label

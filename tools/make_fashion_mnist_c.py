"""Generate Fashion-MNIST-C: the 10000 Fashion-MNIST test images under 15 corruptions x 5 severities,
and a source-validation split held out of the 60000 training images.

    python tools/make_fashion_mnist_c.py [--source /usr/share/datasets/fashion-mnist]
        [--out data/fashion_mnist_c] [--seed 0] [--source-val-per-class 500]

The idea is CIFAR-10-C / MNIST-C (Hendrycks & Dietterich, ICLR 2019; Mu & Gilmer, 2019): a fixed,
documented set of common corruptions, each at five increasing severities, applied to the clean test
set; a model trained on clean images only is scored by its accuracy per corruption and severity and
by the mean over the corruptions. The corruptions are the albumentations 2.0.8 transforms that
SynthStreets-C uses (``slim_mmseg.synthstreets.corruptions``) plus the rest of CIFAR-10-C's families
that albumentations has, always applied, one parameter per severity; what stays random (noise, blur
angles, drop positions) is drawn from a generator seeded by (seed, corruption, severity, image).

Families and parameters (``SEVERITY_PARAMETERS``): noise (gaussian, shot, impulse), blur (defocus,
glass, motion, zoom), weather (snow, fog, rain), digital (brightness, contrast, elastic, pixelate,
JPEG). Where albumentations has CIFAR-10-C's own parameter, CIFAR-10-C's five 32-pixel values are
used as they are (gaussian sigma .04-.10, shot 500-50 photons, impulse amount .01-.07, glass blur,
zoom factors 1.06-1.26, brightness +.05-+.3, contrast .75-.15, pixelate .95-.65, JPEG quality
80-40): the images are as small as CIFAR's. Adapted to 28x28 grey, and why:

- ``defocus_blur``: albumentations' disc radius is an integer >= 1 (CIFAR-10-C's is 0.3-1.5 px), so
  the severities step through radius 1-3 with an increasing anti-alias sigma.
- ``motion_blur``: CIFAR-10-C's ImageMagick radius/sigma has no albumentations equivalent; the
  kernel length (odd, >= 3) grows 3-11 px, the angle is random.
- ``elastic_transform``: CIFAR-10-C combines an affine jitter with its elastic field; here only the
  elastic field, sigma 4 px, its amplitude alpha growing 8-40 px.
- weather (``snow``, ``fog``, ``rain``): albumentations draws these for 3-channel images at
  photograph scale (fog circles and rain streaks many pixels wide), so the 28x28 grey image is
  upsampled 4x (bilinear) to a grey RGB image, corrupted with SynthStreets-C's parameters, turned
  back to grey and area-downsampled to 28x28. ``snow`` uses the ``texture`` method: the ``bleach``
  method scales lightness, which leaves Fashion-MNIST's black background black. ``rain`` replaces
  CIFAR-10-C's ``frost`` (frost needs ImageNet-C's frost photographs, which are not on this machine).

On-disk layout (CIFAR-10-C's, one channel)::

    <out>/<corruption>.npy          uint8 (50000, 28, 28): severities 1..5, 10000 images each, in
                                    the order of the t10k test file
    <out>/labels.npy                int64 (50000,): the test labels, repeated per severity
    <out>/source_val_indices.npy    int64 (N,): sorted indices into the 60000 training images
                                    held out for model selection (``--source-val-per-class`` per
                                    class, drawn with ``--seed``); train on the others
    <out>/fashion_mnist_c.json      manifest: what the files depend on

Deterministic (same source files, seed and parameters -> byte-identical files) and idempotent (an
up-to-date ``--out`` is left alone). Read with ``FashionMNISTCDataset`` and ``FashionMNISTSplitDataset``
(``slim_mmseg/datasets/fashion_mnist_c.py``).
"""
import hashlib
import json
import os
import os.path as osp
import sys
import time
from typing import Callable, Dict, Tuple

import albumentations as A
import cv2
import numpy as np

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from slim_mmseg.datasets.fashion_mnist import (DEBIAN_ROOT, FASHION_MNIST_FILES,  # noqa: E402
                                               find_idx_file, read_idx)
from slim_mmseg.datasets.generated_output import generator_parser, is_current  # noqa: E402

VERSION = 1
MANIFEST_NAME = 'fashion_mnist_c.json'
LABELS_NAME = 'labels.npy'
SOURCE_VAL_NAME = 'source_val_indices.npy'
DEFAULT_OUT = 'data/fashion_mnist_c'
SEVERITIES = (1, 2, 3, 4, 5)
WEATHER_UPSAMPLING = 4

# corruption -> one keyword-argument dict per severity 1..5 for its albumentations transform
SEVERITY_PARAMETERS: Dict[str, Tuple[dict, ...]] = {
    'gaussian_noise': tuple(dict(std_range=(s, s)) for s in (0.04, 0.06, 0.08, 0.09, 0.10)),
    'shot_noise': tuple(dict(scale_range=(1 / n, 1 / n)) for n in (500, 250, 100, 75, 50)),
    'impulse_noise': tuple(dict(amount=(a, a)) for a in (0.01, 0.02, 0.03, 0.05, 0.07)),
    'defocus_blur': tuple(dict(radius=(r, r), alias_blur=(s, s))
                          for r, s in ((1, 0.1), (1, 0.5), (2, 0.1), (2, 0.5), (3, 0.1))),
    'glass_blur': tuple(dict(sigma=s, max_delta=d, iterations=i)
                        for s, d, i in ((0.05, 1, 1), (0.25, 1, 1), (0.4, 1, 1), (0.25, 1, 2),
                                        (0.4, 1, 2))),
    'motion_blur': tuple(dict(blur_limit=(k, k), allow_shifted=False) for k in (3, 5, 7, 9, 11)),
    'zoom_blur': tuple(dict(max_factor=(f, f), step_factor=(0.01, 0.01))
                       for f in (1.06, 1.11, 1.16, 1.21, 1.26)),
    'snow': tuple(dict(snow_point_range=(c, c), brightness_coeff=2.5, method='texture')
                  for c in (0.05, 0.1, 0.15, 0.25, 0.35)),
    'fog': tuple(dict(fog_coef_range=(c, c), alpha_coef=0.1) for c in (0.3, 0.5, 0.7, 0.85, 1.0)),
    'rain': tuple(dict(rain_type=t, drop_length=length, blur_value=3, brightness_coefficient=b)
                  for t, length, b in (('drizzle', 6, 0.9), ('default', 8, 0.85), ('heavy', 10, 0.8),
                                       ('torrential', 12, 0.75), ('torrential', 16, 0.65))),
    'brightness': tuple(dict(brightness_limit=(b, b), contrast_limit=(0, 0))
                        for b in (0.05, 0.1, 0.15, 0.2, 0.3)),
    # ColorJitter's contrast blends with the mean grey, as CIFAR-10-C's contrast does.
    'contrast': tuple(dict(brightness=(1, 1), contrast=(c, c), saturation=(1, 1), hue=(0, 0))
                      for c in (0.75, 0.5, 0.4, 0.3, 0.15)),
    'elastic_transform': tuple(dict(alpha=a, sigma=4) for a in (8, 16, 24, 32, 40)),
    'pixelate': tuple(dict(scale_range=(s, s)) for s in (0.95, 0.9, 0.85, 0.75, 0.65)),
    'jpeg_compression': tuple(dict(quality_range=(q, q)) for q in (80, 65, 58, 50, 40)),
}
TRANSFORMS: Dict[str, Callable[..., A.BasicTransform]] = {
    'gaussian_noise': A.GaussNoise, 'shot_noise': A.ShotNoise, 'impulse_noise': A.SaltAndPepper,
    'defocus_blur': A.Defocus, 'glass_blur': A.GlassBlur, 'motion_blur': A.MotionBlur,
    'zoom_blur': A.ZoomBlur, 'snow': A.RandomSnow, 'fog': A.RandomFog, 'rain': A.RandomRain,
    'brightness': A.RandomBrightnessContrast, 'contrast': A.ColorJitter,
    'elastic_transform': A.ElasticTransform, 'pixelate': A.Downscale,
    'jpeg_compression': A.ImageCompression,
}
WEATHER = ('snow', 'fog', 'rain')
CORRUPTIONS: Tuple[str, ...] = tuple(SEVERITY_PARAMETERS)


def corruption_transform(corruption: str, severity: int) -> A.Compose:
    """The albumentations pipeline of one corruption at one severity (1..5), always applied."""
    if corruption not in SEVERITY_PARAMETERS:
        raise ValueError(f'unknown corruption {corruption!r}; valid: {list(CORRUPTIONS)}')
    if severity not in SEVERITIES:
        raise ValueError(f'severity must be one of {SEVERITIES}, got {severity!r}')
    return A.Compose([TRANSFORMS[corruption](p=1.0, **SEVERITY_PARAMETERS[corruption][severity - 1])])


def apply(transform: A.Compose, corruption: str, image: np.ndarray, seed: int) -> np.ndarray:
    """``image`` (28x28 grey uint8) through ``transform`` with its randomness seeded by ``seed``."""
    transform.set_random_seed(seed)
    if corruption not in WEATHER:
        return transform(image=image)['image'].reshape(image.shape)
    size = (image.shape[1] * WEATHER_UPSAMPLING, image.shape[0] * WEATHER_UPSAMPLING)
    big = cv2.cvtColor(cv2.resize(image, size, interpolation=cv2.INTER_LINEAR), cv2.COLOR_GRAY2RGB)
    corrupted = cv2.cvtColor(transform(image=big)['image'], cv2.COLOR_RGB2GRAY)
    return cv2.resize(corrupted, image.shape[::-1], interpolation=cv2.INTER_AREA)


def corrupt(image: np.ndarray, corruption: str, severity: int, seed: int) -> np.ndarray:
    """One 28x28 grey uint8 image under one corruption; the same arguments give the same bytes."""
    return apply(corruption_transform(corruption, severity), corruption, image, seed)


def image_seed(seed: int, corruption: str, severity: int, index: int) -> int:
    entropy = [seed, CORRUPTIONS.index(corruption), severity, index]
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])


def source_val_indices(labels: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    """Sorted indices of ``per_class`` training images of every class, drawn without replacement."""
    generator = np.random.default_rng(np.random.SeedSequence([seed, 60000]))
    chosen = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if per_class > len(members):
            raise ValueError(f'class {label} has {len(members)} training images; cannot hold out '
                             f'{per_class} per class')
        chosen.append(generator.choice(members, size=per_class, replace=False))
    return np.sort(np.concatenate(chosen)).astype(np.int64)


def _read_split(source: str, split: str) -> Tuple[np.ndarray, np.ndarray, str]:
    paths = []
    for name in FASHION_MNIST_FILES[split]:
        path = find_idx_file(source, name)
        if path is None:
            raise FileNotFoundError(f'Fashion-MNIST file {name}[.gz] not found under {source}: install '
                                    '`dataset-fashion-mnist` or pass --source')
        paths.append(path)
    digest = hashlib.sha256()
    for path in paths:
        with open(path, 'rb') as f:
            digest.update(f.read())
    images, labels = (read_idx(path) for path in paths)
    return images, labels.astype(np.int64), digest.hexdigest()


def manifest(source_digests: dict, seed: int, per_class: int, corruptions) -> dict:
    """What a generation depends on; an output folder holding the same manifest is up to date."""
    return json.loads(json.dumps(dict(
        version=VERSION, seed=seed, source_sha256=source_digests, source_val_per_class=per_class,
        albumentations=A.__version__, corruptions=list(corruptions),
        parameters={c: SEVERITY_PARAMETERS[c] for c in corruptions})))


def generate(source: str, out: str, seed: int = 0, per_class: int = 500, corruptions=CORRUPTIONS,
             log: Callable[[str], None] = print) -> dict:
    """Writes Fashion-MNIST-C into ``out`` (layout in the module docstring); returns the manifest.

    Nothing is rewritten when ``out`` holds the same manifest; a non-empty ``out`` without one is
    refused. Also logs each corruption's mean absolute grey-level change per severity (a check that
    the severities grow).
    """
    unknown = sorted(set(corruptions) - set(CORRUPTIONS))
    if unknown:
        raise ValueError(f'unknown corruptions {unknown}; valid: {list(CORRUPTIONS)}')
    test_images, test_labels, test_digest = _read_split(source, 'test')
    _, train_labels, train_digest = _read_split(source, 'train')
    wanted = manifest(dict(train=train_digest, test=test_digest), seed, per_class, corruptions)
    manifest_path = osp.join(out, MANIFEST_NAME)

    def remove_stale(folder: str) -> None:  # no file of a stale generation may survive
        for name in os.listdir(folder):
            if name.endswith('.npy'):
                os.remove(osp.join(folder, name))

    if is_current(out, MANIFEST_NAME, wanted, 'Fashion-MNIST-C', remove_stale):
        log(f'Fashion-MNIST-C (seed {seed}) already in {out}; nothing to do.')
        return wanted
    np.save(osp.join(out, LABELS_NAME), np.tile(test_labels, len(SEVERITIES)))
    held_out = source_val_indices(train_labels, per_class, seed)
    np.save(osp.join(out, SOURCE_VAL_NAME), held_out)
    log(f'held out {len(held_out)} of {len(train_labels)} training images as source-val')
    count = len(test_images)
    for corruption in corruptions:
        corrupted = np.empty((len(SEVERITIES) * count, *test_images.shape[1:]), np.uint8)
        change = []
        for severity in SEVERITIES:
            transform = corruption_transform(corruption, severity)
            block = corrupted[(severity - 1) * count:severity * count]
            for index, image in enumerate(test_images):
                block[index] = apply(transform, corruption, image,
                                     image_seed(seed, corruption, severity, index))
            change.append(np.abs(block.astype(np.int16) - test_images).mean())
        np.save(osp.join(out, f'{corruption}.npy'), corrupted)
        log(f'{corruption}: mean |change| per severity ' + ' '.join(f'{c:.1f}' for c in change))
    with open(manifest_path, 'w') as f:
        json.dump(wanted, f, indent=2)
    return wanted


def parse_args(argv=None):
    parser = generator_parser(__doc__, DEBIAN_ROOT, 'Fashion-MNIST IDX folder', DEFAULT_OUT, CORRUPTIONS)
    parser.add_argument('--source-val-per-class', type=int, default=500,
                        help='training images per class held out for selection (default: %(default)s)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    start = time.perf_counter()
    generate(args.source, args.out, seed=args.seed, per_class=args.source_val_per_class,
             corruptions=tuple(args.corruptions))
    print(f'done in {time.perf_counter() - start:.1f} s')


if __name__ == '__main__':
    main()

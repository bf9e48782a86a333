"""SynthStreets-C: SynthStreets' source-val split under 11 corruptions at 5 severities.

The idea is Cityscapes-C / ImageNet-C (Hendrycks & Dietterich, ICLR 2019; Michaelis et al., 2019):
a fixed, documented set of common corruptions, each at five increasing severities, applied to a
clean validation split; a model is scored by its mIoU per corruption and severity and by the mean
over all of them ("mean corruption mIoU"). The corruptions here are albumentations 2.0.8
transforms, always applied (``p=1``), with one parameter per severity fixed instead of sampled, so that
severity s means one strength; what stays random (rain streak positions, noise, the motion-blur
angle, the flare position) is drawn from a generator seeded by (seed, corruption, severity, image).

Parameters (``SEVERITY_PARAMETERS``) are scaled for 128x256 images: the noise, blur and JPEG values
follow ImageNet-C's five levels (gaussian_noise sigma .08-.38, shot_noise 60-3 photons, contrast
.4-.05, brightness +.1-+.5, JPEG quality 25-7) where albumentations has the same parameter, blur kernels are scaled from 224 px to 128 px
rows, and the weather effects use albumentations' own ranges (fog coefficient, snow point share,
rain type) from light to strongest.

Layout written by :func:`generate_corruptions` (Cityscapes layout, one folder per domain, labels
shared)::

    <out>/gtFine/val/<city>/<stem>_gtFine_labelTrainIds.png          train ids, 255 ignored
    <out>/clean/0/leftImg8bit/val/<city>/<stem>_leftImg8bit.png      the uncorrupted images
    <out>/<corruption>/<severity>/leftImg8bit/val/<city>/<stem>_leftImg8bit.png

so ``CityscapesDomainDataset(data_root=<out>, data_prefix=dict(img_path='<corruption>/<severity>/
leftImg8bit/val', seg_map_path='gtFine/val'))`` reads every domain against the same labels.
"""
import json
import os
import os.path as osp
import shutil
from typing import Callable, Dict, List, Tuple

import albumentations as A
import cv2
import numpy as np
from PIL import Image

from slim_mmseg.datasets.cityscapes_labels import LABEL_ID_LOOKUP
from slim_mmseg.datasets.generated_output import is_current

CORRUPTIONS_VERSION = 1
MANIFEST_NAME = 'synthstreets_c.json'
CITY = 'eastville'
SEVERITIES = (1, 2, 3, 4, 5)
CLEAN = 'clean'
LABEL_FOLDER = 'gtFine/val'

# corruption -> one keyword-argument dict per severity 1..5 for its albumentations transform
SEVERITY_PARAMETERS: Dict[str, Tuple[dict, ...]] = {
    'fog': tuple(dict(fog_coef_range=(c, c), alpha_coef=0.1) for c in (0.3, 0.5, 0.7, 0.85, 1.0)),
    'rain': tuple(dict(rain_type=t, drop_length=length, blur_value=3, brightness_coefficient=b)
                  for t, length, b in (('drizzle', 6, 0.9), ('default', 8, 0.85), ('heavy', 10, 0.8),
                                       ('torrential', 12, 0.75), ('torrential', 16, 0.65))),
    'snow': tuple(dict(snow_point_range=(c, c), brightness_coeff=2.5, method='bleach')
                  for c in (0.05, 0.1, 0.15, 0.25, 0.35)),
    'sun_flare': tuple(dict(src_radius=r, num_flare_circles_range=(n, n + 2), flare_roi=(0, 0, 1, 0.5))
                       for r, n in ((60, 3), (80, 4), (100, 5), (130, 6), (160, 8))),
    'gaussian_noise': tuple(dict(std_range=(s, s)) for s in (0.08, 0.12, 0.18, 0.26, 0.38)),
    'shot_noise': tuple(dict(scale_range=(1 / n, 1 / n)) for n in (60, 25, 12, 5, 3)),
    'motion_blur': tuple(dict(blur_limit=(k, k), allow_shifted=False) for k in (3, 5, 7, 9, 13)),
    'defocus_blur': tuple(dict(radius=(r, r), alias_blur=(0.1, 0.1)) for r in (1, 2, 3, 4, 6)),
    'brightness': tuple(dict(brightness_limit=(b, b), contrast_limit=(0, 0))
                        for b in (0.1, 0.2, 0.3, 0.4, 0.5)),
    # ColorJitter's contrast blends with the mean grey, as ImageNet-C's contrast does
    # (RandomBrightnessContrast's contrast only scales the values: a darkening).
    'contrast': tuple(dict(brightness=(1, 1), contrast=(c, c), saturation=(1, 1), hue=(0, 0))
                      for c in (0.4, 0.3, 0.2, 0.1, 0.05)),
    'jpeg': tuple(dict(quality_range=(q, q)) for q in (25, 18, 15, 10, 7)),
}
TRANSFORMS: Dict[str, Callable[..., A.BasicTransform]] = {
    'fog': A.RandomFog, 'rain': A.RandomRain, 'snow': A.RandomSnow, 'sun_flare': A.RandomSunFlare,
    'gaussian_noise': A.GaussNoise, 'shot_noise': A.ShotNoise, 'motion_blur': A.MotionBlur,
    'defocus_blur': A.Defocus, 'brightness': A.RandomBrightnessContrast,
    'contrast': A.ColorJitter, 'jpeg': A.ImageCompression,
}
CORRUPTIONS: Tuple[str, ...] = tuple(SEVERITY_PARAMETERS)


def domain_name(corruption: str, severity: int) -> str:
    """Metric domain of one corruption at one severity, e.g. ``fog_3`` (``clean`` for the clean set)."""
    return CLEAN if corruption == CLEAN else f'{corruption}_{severity}'


def image_folder(corruption: str, severity: int) -> str:
    """Image folder of a domain, relative to the SynthStreets-C root."""
    return f'{corruption}/{0 if corruption == CLEAN else severity}/leftImg8bit/val'


def corruption_transform(corruption: str, severity: int) -> A.Compose:
    """The albumentations pipeline of one corruption at one severity (1..5), always applied."""
    if corruption not in SEVERITY_PARAMETERS:
        raise ValueError(f'unknown corruption {corruption!r}; valid: {list(CORRUPTIONS)}')
    if severity not in SEVERITIES:
        raise ValueError(f'severity must be one of {SEVERITIES}, got {severity!r}')
    parameters = SEVERITY_PARAMETERS[corruption][severity - 1]
    return A.Compose([TRANSFORMS[corruption](p=1.0, **parameters)])


def corrupt(image: np.ndarray, corruption: str, severity: int, seed: int) -> np.ndarray:
    """``image`` (HxWx3 RGB uint8) under one corruption; the same arguments give the same bytes."""
    transform = corruption_transform(corruption, severity)
    transform.set_random_seed(seed)
    return transform(image=image)['image']


def _image_seed(seed: int, corruption: str, severity: int, index: int) -> int:
    entropy = [seed, CORRUPTIONS.index(corruption), severity, index]
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])


def _source_val(source_root: str) -> List[str]:
    split = osp.join(source_root, 'gta5', 'splits', 'val.txt')
    if not osp.isfile(split):
        raise FileNotFoundError(f'SynthStreets source-val split not found: expected {osp.abspath(split)}. '
                                'Generate SynthStreets first: python tools/make_synthstreets.py '
                                '--out data/synthstreets')
    with open(split) as f:
        return [line.strip() for line in f if line.strip()]


def _write(path: str, image: np.ndarray) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    # RGB arrays; cv2 writes BGR. Label maps (2-D) are written as they are.
    if not cv2.imwrite(path, image[..., ::-1] if image.ndim == 3 else image):
        raise OSError(f'could not write {path}')


def manifest(source_root: str, seed: int, corruptions) -> dict:
    """What a generation depends on; an output folder holding the same manifest is up to date."""
    with open(osp.join(source_root, 'synthstreets.json')) as f:
        source = json.load(f)
    return json.loads(json.dumps(dict(
        version=CORRUPTIONS_VERSION, seed=seed, source=source, corruptions=list(corruptions),
        parameters={c: SEVERITY_PARAMETERS[c] for c in corruptions})))


def generate_corruptions(source_root: str, out: str, seed: int = 0, corruptions=CORRUPTIONS,
                         log: Callable[[str], None] = print) -> dict:
    """Writes SynthStreets-C for the source-val split of the SynthStreets in ``source_root``.

    Idempotent: nothing is rewritten when ``out`` holds the same manifest (same source generation,
    seed, corruptions and parameters); a non-empty ``out`` without a manifest is refused.
    Returns the manifest.
    """
    unknown = sorted(set(corruptions) - set(CORRUPTIONS))
    if unknown:
        raise ValueError(f'unknown corruptions {unknown}; valid: {list(CORRUPTIONS)}')
    stems = _source_val(source_root)
    wanted = manifest(source_root, seed, corruptions)
    manifest_path = osp.join(out, MANIFEST_NAME)

    def remove_stale(folder: str) -> None:
        for name in [CLEAN, LABEL_FOLDER.split('/')[0], *CORRUPTIONS]:
            shutil.rmtree(osp.join(folder, name), ignore_errors=True)

    if is_current(out, MANIFEST_NAME, wanted, 'SynthStreets-C', remove_stale):
        log(f'SynthStreets-C (seed {seed}) already in {out}; nothing to do.')
        return wanted

    images = {}
    for index, stem in enumerate(stems):
        image = cv2.imread(osp.join(source_root, 'gta5', 'images', f'{stem}.png'), cv2.IMREAD_COLOR)
        label_path = osp.join(source_root, 'gta5', 'labels', f'{stem}.png')
        if image is None or not osp.isfile(label_path):
            raise FileNotFoundError(f'SynthStreets source-val sample {stem} is incomplete under {source_root}')
        # GTA5 labels are palette PNGs: PIL gives the label ids, cv2 would give the palette colours.
        label = np.asarray(Image.open(label_path))
        name = f'{CITY}_000000_{index:06d}'
        images[name] = image[..., ::-1]
        _write(osp.join(out, LABEL_FOLDER, CITY, f'{name}_gtFine_labelTrainIds.png'), LABEL_ID_LOOKUP[label])
        _write(osp.join(out, image_folder(CLEAN, 0), CITY, f'{name}_leftImg8bit.png'), images[name])
    log(f'wrote {len(stems)} clean source-val images and train-id maps to {out}')
    for corruption in corruptions:
        for severity in SEVERITIES:
            for index, (name, image) in enumerate(images.items()):
                corrupted = corrupt(image, corruption, severity, _image_seed(seed, corruption, severity, index))
                _write(osp.join(out, image_folder(corruption, severity), CITY, f'{name}_leftImg8bit.png'),
                       corrupted)
        log(f'wrote {corruption} at severities {SEVERITIES[0]}-{SEVERITIES[-1]}')
    with open(manifest_path, 'w') as f:
        json.dump(wanted, f, indent=2)
    return wanted

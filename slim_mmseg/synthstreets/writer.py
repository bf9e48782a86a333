"""Writes SynthStreets in the real GTA5 (source) and Cityscapes (targets) layouts, idempotently."""
import json
import os
import os.path as osp
import shutil
from typing import Callable, Dict, List, Optional

import cv2
import numpy as np
from PIL import Image

from slim_mmseg.datasets.cityscapes_labels import LABEL_ID_LOOKUP, TRAIN_PALETTE

from .spec import GENERATOR_VERSION, MANIFEST_NAME, SOURCE_DOMAIN, TARGET_CITIES, TARGET_DOMAINS, SynthStreetsSpec
from .styles import render_sample


def _label_id_palette() -> List[int]:
    """Colour of every label id (its train class' colour; black for ids outside the 19 classes)."""
    palette = np.zeros((256, 3), np.uint8)
    for label_id in range(256):
        train_id = LABEL_ID_LOOKUP[label_id]
        if train_id != 255:
            palette[label_id] = TRAIN_PALETTE[train_id]
    return palette.ravel().tolist()


def _write_rgb(path: str, image: np.ndarray):
    os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, image[..., ::-1]):
        raise OSError(f'could not write {path}')


def _write_gray(path: str, array: np.ndarray, palette: Optional[List[int]] = None):
    os.makedirs(osp.dirname(path), exist_ok=True)
    height, width = array.shape
    if palette is None:
        img = Image.frombytes('L', (width, height), np.ascontiguousarray(array).tobytes())
    else:
        # Real GTA5 labels are palette PNGs: pixel values are label ids, the palette only aids viewing.
        img = Image.frombytes('P', (width, height), np.ascontiguousarray(array).tobytes())
        img.putpalette(palette)
    img.save(path)


def _read_manifest(out: str) -> Optional[dict]:
    path = osp.join(out, MANIFEST_NAME)
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def _clear_previous(out: str, previous: Optional[dict]):
    """Remove the domain folders of an earlier generation; refuse to touch folders that are not ours."""
    if previous is None:
        if osp.isdir(out) and os.listdir(out):
            raise FileExistsError(
                f'{out} exists, is not empty and has no {MANIFEST_NAME}: refusing to write SynthStreets '
                f'into it. Choose another --out or remove the folder.')
        return
    os.remove(osp.join(out, MANIFEST_NAME))
    for domain in [SOURCE_DOMAIN] + list(previous['targets']):
        shutil.rmtree(osp.join(out, domain), ignore_errors=True)


def generate(out: str, spec: SynthStreetsSpec = SynthStreetsSpec(), log: Callable[[str], None] = print
             ) -> dict:
    """Write SynthStreets under ``out`` unless the same spec is already there; return the manifest.

    Layout: ``out/gta5/{images,labels}/NNNNN.png`` (labels: label ids), ``out/gta5/splits/{train,val}.txt``
    and, per target, ``out/<target>/leftImg8bit/<split>/<city>/<city>_000000_NNNNNN_leftImg8bit.png``
    with ``out/<target>/gtFine/<split>/<city>/<same>_gtFine_labelTrainIds.png`` (train ids, 255 ignore).
    The manifest is written last, so an interrupted run is regenerated from scratch next time.
    """
    unknown = sorted(set(spec.targets) - set(TARGET_DOMAINS))
    if unknown:
        raise ValueError(f'unknown target domains {unknown}; valid: {list(TARGET_DOMAINS)}')
    manifest = spec.manifest()
    previous = _read_manifest(out)
    if previous is not None and {k: v for k, v in previous.items() if k != 'files'} == manifest:
        log(f'SynthStreets (generator v{GENERATOR_VERSION}, seed {spec.seed}) already in {out}; '
            f'nothing to do.')
        return previous
    _clear_previous(out, previous)

    files: Dict[str, int] = {}
    palette = _label_id_palette()
    source_ids = np.random.default_rng([spec.seed, 99]).permutation(spec.source_train + spec.source_val)
    splits = {'train': sorted(source_ids[:spec.source_train]), 'val': sorted(source_ids[spec.source_train:])}
    source = osp.join(out, SOURCE_DOMAIN)
    for split, ids in splits.items():
        names = [f'{i + 1:05d}' for i in ids]
        for i, name in zip(ids, names):
            image, label = render_sample(spec.seed, SOURCE_DOMAIN, split, int(i), spec.height, spec.width)
            _write_rgb(osp.join(source, 'images', f'{name}.png'), image)
            _write_gray(osp.join(source, 'labels', f'{name}.png'), label, palette)
        os.makedirs(osp.join(source, 'splits'), exist_ok=True)
        with open(osp.join(source, 'splits', f'{split}.txt'), 'w') as f:
            f.write(''.join(f'{name}\n' for name in names))
        files[f'{SOURCE_DOMAIN}/{split}'] = len(names)
        log(f'wrote {len(names)} {SOURCE_DOMAIN} {split} images + label-id maps to {source} '
            f'(split list: {osp.join(source, "splits", split + ".txt")})')

    for target in spec.targets:
        for split, count in (('train', spec.target_train), ('val', spec.target_val)):
            city = TARGET_CITIES[split]
            for i in range(count):
                image, label = render_sample(spec.seed, target, split, i, spec.height, spec.width)
                stem = f'{city}_000000_{i:06d}'
                _write_rgb(osp.join(out, target, 'leftImg8bit', split, city, f'{stem}_leftImg8bit.png'),
                           image)
                _write_gray(osp.join(out, target, 'gtFine', split, city, f'{stem}_gtFine_labelTrainIds.png'),
                            LABEL_ID_LOOKUP[label])
            files[f'{target}/{split}'] = count
            log(f'wrote {count} {target} {split} images + train-id maps to {osp.join(out, target)}')

    manifest['files'] = files
    with open(osp.join(out, MANIFEST_NAME), 'w') as f:
        json.dump(manifest, f, indent=2)
    return manifest

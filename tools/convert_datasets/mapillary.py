"""Map Mapillary Vistas v1.2 labels to the 19 Cityscapes train ids and down-scale for evaluation.

Layout read (``mapillary-vistas-dataset_public_v1.2.zip``; the v2.0 archive nests the v1.2
labels one level deeper, ``<split>/v1.2/labels``, which is accepted too)::

    data/mapillary/config.json                (or config_v1.2.json)
    data/mapillary/validation/images/<key>.jpg
    data/mapillary/validation/labels/<key>.png  palette PNG, pixel value = v1.2 label id 0..65

Written (read by ``MapillaryCityscapesDataset``)::

    data/mapillary/cityscapes19/validation/images/<key>.jpg   shorter side 1024 (bicubic)
    data/mapillary/cityscapes19/validation/labels/<key>.png   train ids 0..18 / 255 (nearest)

Class mapping: ``slim_mmseg.datasets.mapillary_labels`` (RobustNet's table, documented in
data/README.md). Down-scaling: Mapillary images are up to ~5000x4000 pixels from many cameras;
evaluating at full resolution is slow and unlike the source's scale, so DG code bases shrink the
validation set first (RobustNet: height 1536 then a 1536x1536 centre crop; Rein (mmseg-based):
half size). We scale the shorter side to 1024, Cityscapes' evaluation height, never upscale,
and keep the whole image; images and labels are resized together, so labels stay exact.

    python tools/convert_datasets/mapillary.py data/mapillary --nproc 8
"""
import argparse
import json
import os
import os.path as osp
from concurrent.futures import ProcessPoolExecutor
from itertools import zip_longest

import numpy as np
from PIL import Image

from slim_mmseg.datasets.label_map_checks import check_label_map
from slim_mmseg.datasets.mapillary_labels import (
    MAPILLARY_V12_LOOKUP, MAPILLARY_V12_TO_CITYSCAPES, NUM_MAPILLARY_V12_CLASSES)

CONFIG_NAMES = ('config.json', 'config_v1.2.json')


def check_config(root: str):
    """If the release's class list is present, it must be v1.2's 66 classes in our order."""
    for name in CONFIG_NAMES:
        path = osp.join(root, name)
        if osp.isfile(path):
            with open(path) as f:
                readable = [label['readable'] for label in json.load(f)['labels']]
            expected = [name for _, name, _ in MAPILLARY_V12_TO_CITYSCAPES]
            if readable != expected:
                index, found, wanted = next((i, a, b) for i, (a, b) in
                                            enumerate(zip_longest(readable, expected)) if a != b)
                raise ValueError(
                    f'{path} lists {len(readable)} classes that are not Mapillary Vistas v1.2\'s '
                    f'{len(expected)} (class {index}: {found!r}, expected {wanted!r}). Point the '
                    'tool at the v1.2 release (v2.0 archives: the v1.2 labels in '
                    '<split>/v1.2/labels with config_v1.2.json).')


def label_dir(root: str, split: str) -> str:
    for candidate in (osp.join(root, split, 'v1.2', 'labels'), osp.join(root, split, 'labels')):
        if osp.isdir(candidate):
            return candidate
    raise FileNotFoundError(
        f'No v1.2 labels for {split!r}: expected {osp.join(root, split, "labels")} (v1.2 '
        f'archive) or {osp.join(root, split, "v1.2", "labels")} (v2.0 archive).')


def scaled_size(size, short_side):
    width, height = size
    scale = min(1.0, short_side / min(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def convert_pair(image_path: str, label_path: str, image_out: str, label_out: str,
                 short_side: int):
    with Image.open(image_path) as image, Image.open(label_path) as label:
        check_label_map(image, label, image_path, label_path, 'the archive',
                        ': expected the palette-indexed v1.2 label PNG (pixel value = class id), not an '
                        'RGB rendering.')
        ids = np.array(label)
        if ids.max() >= NUM_MAPILLARY_V12_CLASSES:
            raise ValueError(
                f'{label_path} contains label id {int(ids.max())}, beyond v1.2\'s '
                f'{NUM_MAPILLARY_V12_CLASSES} classes: these are v2.0 labels (124 classes); use '
                '<split>/v1.2/labels.')
        size = scaled_size(image.size, short_side)
        image.convert('RGB').resize(size, Image.BICUBIC).save(image_out, quality=95)
        Image.fromarray(MAPILLARY_V12_LOOKUP[ids]).resize(size, Image.NEAREST).save(label_out)


def convert(root: str, out: str, splits=('validation', ), short_side: int = 1024,
            nproc: int = 1):
    """Converts ``splits``; returns the number of images written per split."""
    check_config(root)
    counts = {}
    for split in splits:
        labels = label_dir(root, split)
        image_out, label_out = osp.join(out, split, 'images'), osp.join(out, split, 'labels')
        os.makedirs(image_out, exist_ok=True)
        os.makedirs(label_out, exist_ok=True)
        tasks = []
        for name in sorted(os.listdir(labels)):
            if not name.endswith('.png'):
                continue
            key = name[:-len('.png')]
            image_path = osp.join(root, split, 'images', key + '.jpg')
            if not osp.isfile(image_path):
                raise FileNotFoundError(f'{osp.join(labels, name)} has no image: {image_path} '
                                        'is missing.')
            tasks.append((image_path, osp.join(labels, name), osp.join(image_out, key + '.jpg'),
                          osp.join(label_out, name), short_side))
        if not tasks:
            raise FileNotFoundError(f'No label PNGs in {labels}.')
        if nproc > 1:
            with ProcessPoolExecutor(nproc) as pool:
                list(pool.map(convert_pair, *zip(*tasks), chunksize=8))
        else:
            for task in tasks:
                convert_pair(*task)
        counts[split] = len(tasks)
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('root', help='Mapillary Vistas root (holding validation/, training/)')
    parser.add_argument('--out', help='output root (default: ROOT/cityscapes19)')
    parser.add_argument('--splits', nargs='+', default=['validation'],
                        help='splits to convert (targets are evaluated on validation)')
    parser.add_argument('--short-side', type=int, default=1024,
                        help='down-scale so the shorter side is at most this (pixels)')
    parser.add_argument('--nproc', type=int, default=1, help='worker processes')
    args = parser.parse_args(argv)
    out = args.out or osp.join(args.root, 'cityscapes19')
    for split, count in convert(args.root, out, args.splits, args.short_side,
                                args.nproc).items():
        print(f'{split}: {count} images -> {osp.join(out, split)}')


if __name__ == '__main__':
    main()

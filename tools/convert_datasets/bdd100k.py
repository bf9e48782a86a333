"""Bring BDD100K's 19-class semantic segmentation into the layout the configs read, checked.

BDD100K's semantic masks already use the 19 Cityscapes train ids (0..18, 255 = ignore), so no
class mapping is needed; the tool checks that claim per file (any other value is counted,
reported and set to 255), checks that each mask has its image's size, and writes the layout of
the current release, which mmseg's ``BDD100KDataset`` and our configs read::

    data/bdd100k/images/10k/{train,val}/<name>.jpg
    data/bdd100k/labels/sem_seg/masks/{train,val}/<name>.png

Accepted inputs (``SRC``), detected automatically:

- current release (``bdd100k_images_10k.zip`` + ``bdd100k_sem_seg_labels_trainval.zip``):
  ``SRC/images/10k/<split>/*.jpg`` and ``SRC/labels/sem_seg/masks/<split>/*.png``;
- 2018 segmentation release (``bdd100k_seg.zip``, used by RobustNet-era code):
  ``SRC/seg/images/<split>/*.jpg`` and ``SRC/seg/labels/<split>/*_train_id.png``.

    python tools/convert_datasets/bdd100k.py /path/to/bdd100k --out data/bdd100k
"""
import argparse
import os
import os.path as osp
import shutil
from typing import Dict, List, Tuple

import numpy as np
from PIL import Image

from slim_mmseg.datasets.label_map_checks import check_label_map

NUM_CLASSES = 19
IGNORE_INDEX = 255
LAYOUTS = {
    # name: (image dir, mask dir, mask suffix), relative to SRC, '{split}' filled in
    'current': ('images/10k/{split}', 'labels/sem_seg/masks/{split}', '.png'),
    'seg2018': ('seg/images/{split}', 'seg/labels/{split}', '_train_id.png'),
}
OUT_IMAGES, OUT_MASKS = LAYOUTS['current'][:2]


def detect_layout(src: str, split: str) -> str:
    for name, (_, mask_dir, _) in LAYOUTS.items():
        if osp.isdir(osp.join(src, mask_dir.format(split=split))):
            return name
    expected = ' or '.join(osp.join(src, mask_dir.format(split=split))
                           for _, mask_dir, _ in LAYOUTS.values())
    raise FileNotFoundError(
        f'No BDD100K semantic masks for split {split!r}: expected {expected}. Extract '
        'bdd100k_sem_seg_labels_trainval.zip and bdd100k_images_10k.zip into the same folder.')


def pairs(src: str, split: str) -> List[Tuple[str, str, str]]:
    """(name, image path, mask path) for every mask of ``split``."""
    image_dir, mask_dir, mask_suffix = (
        part.format(split=split) for part in LAYOUTS[detect_layout(src, split)])
    result = []
    for mask_name in sorted(os.listdir(osp.join(src, mask_dir))):
        if not mask_name.endswith(mask_suffix):
            continue
        name = mask_name[:-len(mask_suffix)]
        image_path = osp.join(src, image_dir, name + '.jpg')
        if not osp.isfile(image_path):
            raise FileNotFoundError(f'{osp.join(src, mask_dir, mask_name)} has no image: '
                                    f'{image_path} is missing.')
        result.append((name, image_path, osp.join(src, mask_dir, mask_name)))
    if not result:
        raise FileNotFoundError(f'No *{mask_suffix} masks in {osp.join(src, mask_dir)}.')
    return result


def checked_mask(image_path: str, mask_path: str) -> Tuple[np.ndarray, Dict[int, int]]:
    """The mask as train ids with any value outside 0..18/255 set to 255, and those values'
    pixel counts."""
    with Image.open(image_path) as image, Image.open(mask_path) as mask:
        check_label_map(image, mask, image_path, mask_path, 'both archives',
                        ", not a single-channel id map: use the train-id masks ('masks/' or "
                        "'*_train_id.png'), not the colour maps.")
        ids = np.array(mask)
    counts = np.bincount(ids.ravel(), minlength=256)
    counts[:NUM_CLASSES] = 0
    counts[IGNORE_INDEX] = 0
    unknown = {int(value): int(counts[value]) for value in np.flatnonzero(counts)}
    if unknown:
        ids = np.where((ids < NUM_CLASSES) | (ids == IGNORE_INDEX), ids, IGNORE_INDEX)
    return ids.astype(np.uint8), unknown


def convert(src: str, out: str, splits=('val', )) -> Dict[str, Dict]:
    """Writes ``out`` in the current layout; returns per split the image count and the
    unknown-value counts per mask."""
    summary = {}
    for split in splits:
        image_out, mask_out = (osp.join(out, d.format(split=split)) for d in (OUT_IMAGES,
                                                                               OUT_MASKS))
        os.makedirs(image_out, exist_ok=True)
        os.makedirs(mask_out, exist_ok=True)
        unknown_by_mask = {}
        split_pairs = pairs(src, split)
        for name, image_path, mask_path in split_pairs:
            ids, unknown = checked_mask(image_path, mask_path)
            out_mask = osp.join(mask_out, name + '.png')
            if unknown or osp.realpath(mask_path) != osp.realpath(out_mask):
                Image.fromarray(ids).save(out_mask)
            if unknown:
                unknown_by_mask[mask_path] = unknown
            out_image = osp.join(image_out, name + '.jpg')
            if osp.realpath(image_path) != osp.realpath(out_image):
                shutil.copyfile(image_path, out_image)
        summary[split] = dict(images=len(split_pairs), unknown=unknown_by_mask)
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('src', help='extracted BDD100K folder (current or 2018 seg release)')
    parser.add_argument('--out', default='data/bdd100k', help='output root (may equal src)')
    parser.add_argument('--splits', nargs='+', default=['val'],
                        help='splits to convert (targets are evaluated on val)')
    args = parser.parse_args(argv)
    for split, result in convert(args.src, args.out, args.splits).items():
        print(f'{split}: {result["images"]} images -> {osp.join(args.out, OUT_MASKS).format(split=split)}')
        for mask_path, unknown in result['unknown'].items():
            print(f'WARNING {mask_path}: values {unknown} (value: pixels) are not train ids '
                  '0..18 or 255; set to 255 (ignored).')
        if result['unknown']:
            print(f'WARNING {split}: {len(result["unknown"])} mask(s) had unknown values.')


if __name__ == '__main__':
    main()

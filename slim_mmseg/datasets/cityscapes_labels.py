"""Cityscapes label ids and the 19 evaluation ("train id") classes.

GTA5, SynthStreets' source domain and Cityscapes' ``*_labelIds.png`` files store Cityscapes LABEL ids
(0..33); models are trained and evaluated on the 19 TRAIN ids. This module is the single shared table
for that conversion (GTA5Dataset, the SynthStreets generator and the BDD100K/Mapillary converters use it).
The values follow ``cityscapesscripts.helpers.labels``; tests cross-check them against that package.
"""
from typing import Dict, Tuple

import numpy as np

IGNORE_INDEX = 255

TRAIN_CLASSES: Tuple[str, ...] = (
    'road', 'sidewalk', 'building', 'wall', 'fence', 'pole', 'traffic light', 'traffic sign',
    'vegetation', 'terrain', 'sky', 'person', 'rider', 'car', 'truck', 'bus', 'train', 'motorcycle',
    'bicycle')
# The official Cityscapes colour of each train class (as in mmseg's CityscapesDataset.METAINFO).
TRAIN_PALETTE: Tuple[Tuple[int, int, int], ...] = (
    (128, 64, 128), (244, 35, 232), (70, 70, 70), (102, 102, 156), (190, 153, 153), (153, 153, 153),
    (250, 170, 30), (220, 220, 0), (107, 142, 35), (152, 251, 152), (70, 130, 180), (220, 20, 60),
    (255, 0, 0), (0, 0, 142), (0, 0, 70), (0, 60, 100), (0, 80, 100), (0, 0, 230), (119, 11, 32))

# Every Cityscapes label id with its name and train id (IGNORE_INDEX: not one of the 19 classes).
# The 'license plate' label (id -1) is left out: it cannot occur in a uint8 label image.
LABELS: Tuple[Tuple[int, str, int], ...] = (
    (0, 'unlabeled', IGNORE_INDEX),
    (1, 'ego vehicle', IGNORE_INDEX),
    (2, 'rectification border', IGNORE_INDEX),
    (3, 'out of roi', IGNORE_INDEX),
    (4, 'static', IGNORE_INDEX),
    (5, 'dynamic', IGNORE_INDEX),
    (6, 'ground', IGNORE_INDEX),
    (7, 'road', 0),
    (8, 'sidewalk', 1),
    (9, 'parking', IGNORE_INDEX),
    (10, 'rail track', IGNORE_INDEX),
    (11, 'building', 2),
    (12, 'wall', 3),
    (13, 'fence', 4),
    (14, 'guard rail', IGNORE_INDEX),
    (15, 'bridge', IGNORE_INDEX),
    (16, 'tunnel', IGNORE_INDEX),
    (17, 'pole', 5),
    (18, 'polegroup', IGNORE_INDEX),
    (19, 'traffic light', 6),
    (20, 'traffic sign', 7),
    (21, 'vegetation', 8),
    (22, 'terrain', 9),
    (23, 'sky', 10),
    (24, 'person', 11),
    (25, 'rider', 12),
    (26, 'car', 13),
    (27, 'truck', 14),
    (28, 'bus', 15),
    (29, 'caravan', IGNORE_INDEX),
    (30, 'trailer', IGNORE_INDEX),
    (31, 'train', 16),
    (32, 'motorcycle', 17),
    (33, 'bicycle', 18),
)

LABEL_ID_TO_TRAIN_ID: Dict[int, int] = {label_id: train_id for label_id, _, train_id in LABELS}
LABEL_NAME_TO_ID: Dict[str, int] = {name: label_id for label_id, name, _ in LABELS}
TRAIN_ID_TO_LABEL_ID: Dict[int, int] = {
    train_id: label_id for label_id, _, train_id in LABELS if train_id != IGNORE_INDEX}


def _lookup_tables() -> Tuple[np.ndarray, np.ndarray]:
    train_ids = np.full(256, IGNORE_INDEX, dtype=np.uint8)
    known = np.zeros(256, dtype=bool)
    for label_id, train_id in LABEL_ID_TO_TRAIN_ID.items():
        train_ids[label_id] = train_id
        known[label_id] = True
    train_ids.flags.writeable = False
    known.flags.writeable = False
    return train_ids, known


# LABEL_ID_LOOKUP[v]: train id of uint8 value v (255 if none); IS_LABEL_ID[v]: v is a Cityscapes label id.
LABEL_ID_LOOKUP, IS_LABEL_ID = _lookup_tables()


def label_ids_to_train_ids(label_ids: np.ndarray) -> Tuple[np.ndarray, Dict[int, int]]:
    """Convert a uint8 label-id map to train ids.

    Label ids outside the 19 classes become 255. Values that are not Cityscapes label ids at all
    also become 255 and are returned as ``{value: pixel count}`` so callers can report them.
    """
    if label_ids.dtype != np.uint8:
        raise TypeError(f'label-id maps must be uint8, got {label_ids.dtype}')
    counts = np.bincount(label_ids.ravel(), minlength=256)
    unknown = {int(v): int(counts[v]) for v in np.flatnonzero(counts * ~IS_LABEL_ID)}
    return LABEL_ID_LOOKUP[label_ids], unknown

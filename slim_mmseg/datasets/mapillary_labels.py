"""Mapillary Vistas v1.2's 66 classes mapped onto the 19 Cityscapes evaluation classes.

The table is the one of RobustNet (Choi et al., CVPR 2021, ``datasets/mapillary.py``), the code base
of the GTA5 -> {Cityscapes, BDD100K, Mapillary} domain-generalisation protocol that AdvStyle and
its successors report on: each Cityscapes class takes only the Mapillary classes that are the same
concept; everything else is ignored (255). Broader mappings exist (openseg/Rein also send bike
lanes, crosswalks, parking, service lanes and all lane markings to road, pedestrian areas to
sidewalk, street lights to pole, both traffic-sign faces to traffic sign); they change Mapillary
mIoU, so compare numbers only under the same table.

Indices are v1.2's label ids, i.e. the positions in its ``config.json`` ``labels`` list and the
pixel values of its palette-indexed label PNGs (65 = 'Unlabeled').
"""
from typing import Optional, Tuple

import numpy as np

from .cityscapes_labels import IGNORE_INDEX, TRAIN_CLASSES

# (v1.2 label id, v1.2 readable name, Cityscapes class or None = ignored)
MAPILLARY_V12_TO_CITYSCAPES: Tuple[Tuple[int, str, Optional[str]], ...] = (
    (0, 'Bird', None),
    (1, 'Ground Animal', None),
    (2, 'Curb', 'sidewalk'),
    (3, 'Fence', 'fence'),
    (4, 'Guard Rail', None),
    (5, 'Barrier', None),
    (6, 'Wall', 'wall'),
    (7, 'Bike Lane', None),
    (8, 'Crosswalk - Plain', None),
    (9, 'Curb Cut', None),
    (10, 'Parking', None),
    (11, 'Pedestrian Area', None),
    (12, 'Rail Track', None),
    (13, 'Road', 'road'),
    (14, 'Service Lane', None),
    (15, 'Sidewalk', 'sidewalk'),
    (16, 'Bridge', None),
    (17, 'Building', 'building'),
    (18, 'Tunnel', None),
    (19, 'Person', 'person'),
    (20, 'Bicyclist', 'rider'),
    (21, 'Motorcyclist', 'rider'),
    (22, 'Other Rider', 'rider'),
    (23, 'Lane Marking - Crosswalk', None),
    (24, 'Lane Marking - General', 'road'),
    (25, 'Mountain', None),
    (26, 'Sand', None),
    (27, 'Sky', 'sky'),
    (28, 'Snow', None),
    (29, 'Terrain', 'terrain'),
    (30, 'Vegetation', 'vegetation'),
    (31, 'Water', None),
    (32, 'Banner', None),
    (33, 'Bench', None),
    (34, 'Bike Rack', None),
    (35, 'Billboard', None),
    (36, 'Catch Basin', None),
    (37, 'CCTV Camera', None),
    (38, 'Fire Hydrant', None),
    (39, 'Junction Box', None),
    (40, 'Mailbox', None),
    (41, 'Manhole', 'road'),
    (42, 'Phone Booth', None),
    (43, 'Pothole', None),
    (44, 'Street Light', None),
    (45, 'Pole', 'pole'),
    (46, 'Traffic Sign Frame', None),
    (47, 'Utility Pole', 'pole'),
    (48, 'Traffic Light', 'traffic light'),
    (49, 'Traffic Sign (Back)', None),
    (50, 'Traffic Sign (Front)', 'traffic sign'),
    (51, 'Trash Can', None),
    (52, 'Bicycle', 'bicycle'),
    (53, 'Boat', None),
    (54, 'Bus', 'bus'),
    (55, 'Car', 'car'),
    (56, 'Caravan', None),
    (57, 'Motorcycle', 'motorcycle'),
    (58, 'On Rails', 'train'),
    (59, 'Other Vehicle', None),
    (60, 'Trailer', None),
    (61, 'Truck', 'truck'),
    (62, 'Wheeled Slow', None),
    (63, 'Car Mount', None),
    (64, 'Ego Vehicle', None),
    (65, 'Unlabeled', None),
)
NUM_MAPILLARY_V12_CLASSES = len(MAPILLARY_V12_TO_CITYSCAPES)


def _lookup() -> np.ndarray:
    table = np.full(256, IGNORE_INDEX, dtype=np.uint8)
    for label_id, _, cityscapes_class in MAPILLARY_V12_TO_CITYSCAPES:
        if cityscapes_class is not None:
            table[label_id] = TRAIN_CLASSES.index(cityscapes_class)
    table.flags.writeable = False
    return table


# MAPILLARY_V12_LOOKUP[v]: Cityscapes train id of v1.2 label id v (255: ignored).
MAPILLARY_V12_LOOKUP = _lookup()

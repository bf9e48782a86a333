"""GTA5 drawn class-balanced, as DSU's (and FADA's) GTA5 training loader draws it.

lixiaotong97/DSU ``semantic-segmentation/core/datasets/gta5.py`` (``GTA5DataSet`` with
``max_iters``) does not iterate over the frames uniformly. For each frame it knows the train ids
present in its label (``datasets/gtav_label_info.p``, written by
``datasets/generate_gta5_label_info.py``: any pixel of the class counts). It then draws a list of
``max_iters = SOLVER.MAX_ITER * SOLVER.BATCH_SIZE`` (31,250 x 8 = 250,000) images in
sub-epochs of ``SUB_EPOCH_SIZE = 3000`` draws, ``int(250000 / 3000) + 1 = 84`` sub-epochs, so
252,000 images. Each draw:

1. weighs each class by ``1 / log(1.01 + share)``, where ``share`` is the class's share of the
   class occurrences drawn so far in this sub-epoch (all zero at its start);
2. picks a class with these (normalised) weights;
3. takes the next frame of that class's list, reshuffling the list when it is used up;
4. counts the frame's classes.

Rare classes therefore come up more often than uniform sampling would give them. The data
loader shuffles the resulting list.

:class:`ClassBalancedGTA5Dataset` is :class:`GTA5Dataset` with ``load_data_list`` returning such
a list, drawn by a seeded ``numpy.random.RandomState`` (DSU uses numpy's unseeded global state;
a fixed seed keeps every DDP rank on the same list). Two corner cases of DSU's loop are handled
explicitly here:
- a class present in no frame gets weight 0 (DSU would fail), and is warned about;
- a class present in a single frame keeps drawing it (DSU's ``ind % (len - 1)`` would divide by
  zero).

The classes per frame are read from the labels once and cached in ``class_index`` (JSON,
``{stem: [train ids]}``) beside the split lists; frames missing from the cache are added to it.
"""
import json
import os
import os.path as osp
import warnings
from typing import Dict, List, Sequence

import mmcv
import numpy as np
from mmengine import fileio
from mmengine.logging import print_log
from mmseg.registry import DATASETS

from .cityscapes_labels import IGNORE_INDEX, LABEL_ID_LOOKUP, TRAIN_CLASSES
from .gta5 import GTA5Dataset

# DSU core/datasets/gta5.py: SUB_EPOCH_SIZE = 3000; log(1 + 1e-2 + share).
DSU_SUB_EPOCH_SIZE = 3000
DSU_LOG_OFFSET = 1 + 1e-2


def classes_in_label(label_path: str) -> List[int]:
    """Train ids (0..18) present in a GTA5 label-id map, any pixel counting."""
    label_ids = mmcv.imfrombytes(fileio.get(label_path), flag='unchanged', backend='pillow')
    train_ids = np.unique(LABEL_ID_LOOKUP[np.unique(label_ids)])
    return [int(c) for c in train_ids if c != IGNORE_INDEX]


def draw_class_balanced(classes_per_file: Dict[str, Sequence[int]], num_classes: int,
                        num_samples: int, rng: np.random.RandomState,
                        sub_epoch_size: int = DSU_SUB_EPOCH_SIZE) -> List[str]:
    """DSU's class-balanced draw: ``(num_samples // sub_epoch_size + 1) * sub_epoch_size`` file
    names, in draw order. ``classes_per_file`` maps each file to the classes it holds."""
    files_per_class: List[List[str]] = [[] for _ in range(num_classes)]
    for name in sorted(classes_per_file):
        for c in classes_per_file[name]:
            files_per_class[c].append(name)
    present = np.array([len(files) > 0 for files in files_per_class])
    if not present.any():
        raise ValueError('No frame holds any of the classes: cannot draw class-balanced samples')
    position = [0] * num_classes
    drawn = []
    for _ in range(num_samples // sub_epoch_size + 1):
        counts = np.zeros(num_classes)
        for _ in range(sub_epoch_size):
            share = counts / counts.sum() if counts.sum() > 0 else counts
            weights = np.where(present, 1 / np.log(DSU_LOG_OFFSET + share), 0.)
            c = rng.choice(num_classes, p=weights / weights.sum())
            files = files_per_class[c]
            if position[c] >= len(files):
                rng.shuffle(files)
                position[c] = position[c] % (len(files) - 1) if len(files) > 1 else 0
            drawn.append(files[position[c]])
            position[c] += 1
            counts[classes_per_file[drawn[-1]]] += 1
    return drawn


@DATASETS.register_module()
class ClassBalancedGTA5Dataset(GTA5Dataset):
    """GTA5 frames of ``ann_file`` in DSU's class-balanced draw (module docstring).

    Args:
        num_samples: images to draw, rounded up to whole sub-epochs: DSU draws for
            ``MAX_ITER * BATCH_SIZE`` = 31,250 x 8 = 250,000 (``core/datasets/build.py``).
        sub_epoch_size: draws per sub-epoch (DSU: 3000).
        seed: seed of the draw (DSU: unseeded).
        class_index: JSON cache of the classes per frame, relative to ``data_root``; written
            (or completed) from the labels when frames are missing from it.
        **kwargs: :class:`GTA5Dataset` arguments.
    """

    def __init__(self, num_samples: int = 250000, sub_epoch_size: int = DSU_SUB_EPOCH_SIZE,
                 seed: int = 0, class_index: str = 'splits/classes_per_image.json', **kwargs):
        if num_samples < 1 or sub_epoch_size < 1:
            raise ValueError(f'num_samples and sub_epoch_size must be positive, got {num_samples} '
                             f'and {sub_epoch_size}')
        self.num_samples = num_samples
        self.sub_epoch_size = sub_epoch_size
        self.seed = seed
        self.class_index = class_index
        self.classes_absent: List[str] = []
        super().__init__(**kwargs)

    def load_data_list(self) -> List[dict]:
        frames = super().load_data_list()
        by_stem = {osp.splitext(osp.basename(info['img_path']))[0]: info for info in frames}
        classes = self.read_class_index(by_stem)
        absent = sorted(set(range(len(TRAIN_CLASSES))) - {c for s in by_stem for c in classes[s]})
        self.classes_absent = [TRAIN_CLASSES[c] for c in absent]
        if absent:
            warnings.warn(f'{type(self).__name__}: {len(absent)} classes occur in no frame and are '
                          f'never drawn: {self.classes_absent}')
        drawn = draw_class_balanced({s: classes[s] for s in by_stem}, len(TRAIN_CLASSES),
                                    self.num_samples, np.random.RandomState(self.seed),
                                    self.sub_epoch_size)
        return [dict(by_stem[stem]) for stem in drawn]

    def read_class_index(self, by_stem: Dict[str, dict]) -> Dict[str, List[int]]:
        path = osp.join(self.data_root, self.class_index)
        classes: Dict[str, List[int]] = {}
        if osp.isfile(path):
            with open(path) as f:
                classes = json.load(f)
        missing = [stem for stem in by_stem if stem not in classes]
        if missing:
            print_log(f'{type(self).__name__}: reading the classes of {len(missing)} labels into '
                      f'{path} (once)', logger='current')
            for stem in missing:
                classes[stem] = classes_in_label(by_stem[stem]['seg_map_path'])
            self.write_class_index(path, classes)
        return classes

    @staticmethod
    def write_class_index(path: str, classes: Dict[str, List[int]]) -> None:
        # Written to a private file and renamed, so that DDP ranks building the same index never
        # read a half-written one.
        os.makedirs(osp.dirname(path) or '.', exist_ok=True)
        partial = f'{path}.{os.getpid()}.partial'
        with open(partial, 'w') as f:
            json.dump(dict(sorted(classes.items())), f)
        os.replace(partial, path)

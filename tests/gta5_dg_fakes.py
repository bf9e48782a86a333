"""Tiny fake GTA5, Cityscapes, BDD100K and Mapillary Vistas in their released on-disk layouts,
prepared with our converters into ``<root>/data/`` exactly as data/README.md describes.

Labels are drawn from a few blocks so every target holds road, car, sky and an ignored region;
GTA5 also holds a size-mismatched pair and a pixel with a value that is no Cityscapes label id.
"""
import importlib.util
import json
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
GTA5_SIZE = (96, 54)            # GTA5 frames are 1914x1052: same aspect, 1/20 the size
CITYSCAPES_SIZE = (64, 32)      # 2048x1024 / 32
BDD100K_SIZE = (64, 36)         # 1280x720 / 20
MAPILLARY_SIZE = (80, 60)       # a 4:3 camera; the converter scales its shorter side to 32
MAPILLARY_SHORT_SIDE = 32


def load_tool(name):
    spec = importlib.util.spec_from_file_location(
        f'convert_{name}', REPO / 'tools' / 'convert_datasets' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def blocks(size, values, seed):
    """A (H, W) uint8 map of vertical bands taking ``values`` in a seeded order, top row ``values[0]``."""
    width, height = size
    rng = np.random.default_rng(seed)
    bands = rng.permutation(np.repeat(values, -(-width // len(values))))[:width]
    label = np.tile(bands.astype(np.uint8), (height, 1))
    label[:height // 4] = values[0]
    return label


def image_for(label, seed):
    rng = np.random.default_rng(seed)
    base = (label.astype(np.int64) * 37 % 256)[..., None]
    return np.clip(base + rng.integers(0, 40, label.shape + (3, )), 0, 255).astype(np.uint8)


def write_gta5(root, count=6):
    """Label ids: sky 23, road 7, car 26, 'static' 4 (ignored); frame 00003 has a wrong label size,
    frame 00002 one pixel of value 200 (not a label id)."""
    (root / 'images').mkdir(parents=True)
    (root / 'labels').mkdir(parents=True)
    for index in range(1, count + 1):
        stem = f'{index:05d}'
        label = blocks(GTA5_SIZE, [23, 7, 26, 4], index)
        if index == 2:
            label[-1, -1] = 200
        Image.fromarray(image_for(label, index)).save(root / 'images' / f'{stem}.png')
        if index == 3:
            label = label[:, :-2]
        Image.fromarray(label).save(root / 'labels' / f'{stem}.png')
    names = [f'{i:05d}.png' for i in range(1, count + 1)]
    (root / 'gtav_split_train.txt').write_text('\n'.join(names[:-2]) + '\n')
    (root / 'gtav_split_val.txt').write_text('\n'.join(names[-2:]) + '\n')
    load_tool('gta5').main([str(root), '--split-list', f'train={root}/gtav_split_train.txt',
                            '--split-list', f'val={root}/gtav_split_val.txt'])


def write_cityscapes(root, count=2):
    width, height = CITYSCAPES_SIZE
    for index in range(count):
        city, stem = 'frankfurt', f'frankfurt_000000_{index:06d}'
        (root / 'gtFine/val' / city).mkdir(parents=True, exist_ok=True)
        (root / 'leftImg8bit/val' / city).mkdir(parents=True, exist_ok=True)
        split = width // 2 + 8 * index
        objects = [
            dict(label='sky', polygon=[[0, 0], [width, 0], [width, height // 3], [0, height // 3]]),
            dict(label='road', polygon=[[0, height // 2], [split, height // 2], [split, height],
                                        [0, height]]),
            dict(label='car', polygon=[[split, height // 2], [width, height // 2], [width, height],
                                       [split, height]]),
            dict(label='license plate', polygon=[[2, 2], [6, 2], [6, 4], [2, 4]]),
        ]
        (root / 'gtFine/val' / city / f'{stem}_gtFine_polygons.json').write_text(
            json.dumps(dict(imgWidth=width, imgHeight=height, objects=objects)))
        Image.fromarray(image_for(np.full((height, width), index, np.uint8), index)).save(
            root / 'leftImg8bit/val' / city / f'{stem}_leftImg8bit.png')
    load_tool('cityscapes').convert(str(root), splits=('val', ))


def write_bdd100k(src, out, count=2):
    """2018 ``bdd100k/seg`` release: train ids road 0, car 13, sky 10, ignore 255."""
    (src / 'seg/images/val').mkdir(parents=True)
    (src / 'seg/labels/val').mkdir(parents=True)
    for index in range(count):
        name = f'{index:08x}-bdd{index}'
        label = blocks(BDD100K_SIZE, [10, 0, 13, 255], 100 + index)
        Image.fromarray(image_for(label, 100 + index)).save(src / f'seg/images/val/{name}.jpg')
        Image.fromarray(label).save(src / f'seg/labels/val/{name}_train_id.png')
    load_tool('bdd100k').convert(str(src), str(out))


def write_mapillary(root, count=2):
    """v1.2 release: palette label PNGs with ids sky 27, road 13, car 55, bird 0 (ignored)."""
    from slim_mmseg.datasets.mapillary_labels import MAPILLARY_V12_TO_CITYSCAPES
    (root / 'validation/images').mkdir(parents=True)
    (root / 'validation/labels').mkdir(parents=True)
    (root / 'config.json').write_text(json.dumps(dict(labels=[
        dict(readable=name) for _, name, _ in MAPILLARY_V12_TO_CITYSCAPES])))
    for index in range(count):
        key = f'mapkey{index}'
        ids = blocks(MAPILLARY_SIZE, [27, 13, 55, 0], 200 + index)
        label = Image.frombytes('P', MAPILLARY_SIZE, ids.tobytes())
        label.putpalette([channel for value in range(256) for channel in (value, 0, 0)])
        label.save(root / 'validation/labels' / f'{key}.png')
        Image.fromarray(image_for(ids, 200 + index)).save(root / 'validation/images' / f'{key}.jpg')
    load_tool('mapillary').convert(str(root), str(root / 'cityscapes19'),
                                   short_side=MAPILLARY_SHORT_SIDE)


def write_gta5_dg_data(root):
    """Writes ``root/data/{gta5,cityscapes,bdd100k,mapillary}`` prepared for the gta5_dg configs."""
    data = Path(root) / 'data'
    write_gta5(data / 'gta5')
    write_cityscapes(data / 'cityscapes')
    write_bdd100k(Path(root) / 'downloads' / 'bdd100k', data / 'bdd100k')
    write_mapillary(data / 'mapillary')
    return data

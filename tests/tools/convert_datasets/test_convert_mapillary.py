"""Mapillary Vistas v1.2 -> 19 Cityscapes train ids, down-scaled, on tiny fakes in both archive
layouts: palette-indexed label PNGs, config.json, unmapped classes, v2.0 labels, size mismatch."""
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from slim_mmseg.datasets.mapillary_labels import MAPILLARY_V12_TO_CITYSCAPES

REPO = Path(__file__).resolve().parents[3]
spec = importlib.util.spec_from_file_location('convert_mapillary',
                                              REPO / 'tools/convert_datasets/mapillary.py')
convert_mapillary = importlib.util.module_from_spec(spec)
spec.loader.exec_module(convert_mapillary)

ROAD, CAR, BIRD, CURB = 13, 55, 0, 2  # v1.2 label ids


def write_mapillary(root, key, ids, nested=False, image_size=None, names=None):
    labels = root / 'validation' / ('v1.2/labels' if nested else 'labels')
    (root / 'validation/images').mkdir(parents=True, exist_ok=True)
    labels.mkdir(parents=True, exist_ok=True)
    names = names or [name for _, name, _ in MAPILLARY_V12_TO_CITYSCAPES]
    (root / ('config_v1.2.json' if nested else 'config.json')).write_text(json.dumps(
        dict(labels=[dict(readable=name, color=[index, 0, 0]) for index, name in enumerate(names)])))
    label = Image.frombytes('P', ids.shape[::-1], ids.astype(np.uint8).tobytes())
    label.putpalette([channel for index in range(256) for channel in (index, 0, 0)])
    label.save(labels / f'{key}.png')
    width, height = image_size or ids.shape[::-1]
    Image.fromarray(np.full((height, width, 3), 128, np.uint8)).save(
        root / 'validation/images' / f'{key}.jpg')


def block_label(height=30, width=40):
    """Left half road, right half car, top-left corner bird, bottom row curb."""
    ids = np.full((height, width), ROAD, np.uint8)
    ids[:, width // 2:] = CAR
    ids[:6, :8] = BIRD
    ids[-3:, :] = CURB
    return ids


@pytest.mark.parametrize('nested', [False, True])
def test_labels_are_mapped_and_both_files_downscaled(tmp_path, nested):
    write_mapillary(tmp_path, '--abc123', block_label(), nested=nested)
    counts = convert_mapillary.convert(str(tmp_path), str(tmp_path / 'out'), short_side=15)
    assert counts == {'validation': 1}
    image = Image.open(tmp_path / 'out/validation/images/--abc123.jpg')
    label = np.array(Image.open(tmp_path / 'out/validation/labels/--abc123.png'))
    assert image.size == (20, 15) and label.shape == (15, 20)
    assert label[8, 2] == 0 and label[8, 15] == 13  # road, car
    assert label[0, 0] == 255  # bird: no Cityscapes class
    assert (label[-1, :] == 1).all()  # curb -> sidewalk
    assert set(np.unique(label)) == {0, 1, 13, 255}


def test_small_images_are_not_upscaled(tmp_path):
    write_mapillary(tmp_path, 'k', block_label(), nested=False)
    convert_mapillary.convert(str(tmp_path), str(tmp_path / 'out'), short_side=1024)
    assert Image.open(tmp_path / 'out/validation/images/k.jpg').size == (40, 30)


def test_every_v12_id_has_a_train_id_or_is_ignored():
    from slim_mmseg.datasets.mapillary_labels import MAPILLARY_V12_LOOKUP
    mapped = {name: int(MAPILLARY_V12_LOOKUP[i]) for i, name, _ in MAPILLARY_V12_TO_CITYSCAPES}
    assert len(MAPILLARY_V12_TO_CITYSCAPES) == 66
    assert [i for i, _, _ in MAPILLARY_V12_TO_CITYSCAPES] == list(range(66))
    assert set(mapped.values()) == set(range(19)) | {255}  # all 19 classes are reachable
    assert mapped['Road'] == 0 and mapped['Utility Pole'] == 5 and mapped['On Rails'] == 16
    assert mapped['Unlabeled'] == 255 and mapped['Bike Lane'] == 255


def test_v20_label_ids_are_rejected(tmp_path):
    ids = block_label()
    ids[0, 0] = 100
    write_mapillary(tmp_path, 'k', ids)
    with pytest.raises(ValueError, match=r'k\.png contains label id 100.*v2\.0'):
        convert_mapillary.convert(str(tmp_path), str(tmp_path / 'out'))


def test_wrong_class_list_is_rejected(tmp_path):
    names = [name for _, name, _ in MAPILLARY_V12_TO_CITYSCAPES]
    write_mapillary(tmp_path, 'k', block_label(), names=names[:2] + ['Ambiguous Barrier'] + names[2:])
    with pytest.raises(ValueError, match=r"config.json lists 67 classes.*class 2: 'Ambiguous Barrier', "
                                         r"expected 'Curb'"):
        convert_mapillary.convert(str(tmp_path), str(tmp_path / 'out'))


def test_extra_trailing_class_is_rejected(tmp_path):
    names = [name for _, name, _ in MAPILLARY_V12_TO_CITYSCAPES]
    write_mapillary(tmp_path, 'k', block_label(), names=names + ['Traffic Cone'])
    with pytest.raises(ValueError, match="class 66: 'Traffic Cone', expected None"):
        convert_mapillary.convert(str(tmp_path), str(tmp_path / 'out'))


def test_size_mismatch_names_both_files(tmp_path):
    write_mapillary(tmp_path, 'k', block_label(), image_size=(41, 30))
    with pytest.raises(ValueError, match=r'k\.png is 40x30 but its image .*k\.jpg is 41x30'):
        convert_mapillary.convert(str(tmp_path), str(tmp_path / 'out'))

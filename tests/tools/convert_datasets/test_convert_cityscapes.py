"""Cityscapes polygons -> *_gtFine_labelTrainIds.png through cityscapesscripts, on a tiny fake
in the official gtFine/leftImg8bit layout."""
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[3]
spec = importlib.util.spec_from_file_location(
    'convert_cityscapes', REPO / 'tools/convert_datasets/cityscapes.py')
convert_cityscapes = importlib.util.module_from_spec(spec)
spec.loader.exec_module(convert_cityscapes)


def write_frame(root, split, city, frame, objects, size=(16, 8), image_size=None):
    stem = f'{city}_000000_{frame:06d}'
    gt_dir = root / 'gtFine' / split / city
    img_dir = root / 'leftImg8bit' / split / city
    gt_dir.mkdir(parents=True, exist_ok=True)
    img_dir.mkdir(parents=True, exist_ok=True)
    (gt_dir / f'{stem}_gtFine_polygons.json').write_text(json.dumps(dict(
        imgWidth=size[0], imgHeight=size[1],
        objects=[dict(label=label, polygon=polygon) for label, polygon in objects])))
    width, height = image_size or size
    Image.fromarray(np.zeros((height, width, 3), np.uint8)).save(
        img_dir / f'{stem}_leftImg8bit.png')
    return gt_dir / f'{stem}_gtFine_labelTrainIds.png'


def test_polygons_become_train_ids_with_ignored_classes_at_255(tmp_path):
    left, right = [[0, 0], [7, 0], [7, 7], [0, 7]], [[8, 0], [15, 0], [15, 7], [8, 7]]
    car = write_frame(tmp_path, 'train', 'aachen', 1, [('road', left), ('car', right)])
    parking = write_frame(tmp_path, 'val', 'lindau', 2, [('sky', left), ('parking', right)])
    written = convert_cityscapes.convert(str(tmp_path))
    assert sorted(written) == sorted([str(car), str(parking)])

    ids = np.array(Image.open(car))
    assert ids.shape == (8, 16)
    assert (ids[:, :8] == 0).all() and (ids[:, 8:] == 13).all()  # road, car
    ids = np.array(Image.open(parking))
    assert (ids[:, :8] == 10).all()  # sky
    assert (ids[:, 8:] == 255).all()  # 'parking' is not one of the 19 classes


def test_unknown_polygon_label_names_the_file_and_label(tmp_path):
    write_frame(tmp_path, 'val', 'lindau', 1, [('hovercraft', [[0, 0], [3, 0], [3, 3]])])
    with pytest.raises(ValueError, match=r"lindau_000000_000001_gtFine_polygons.json.*hovercraft"):
        convert_cityscapes.convert(str(tmp_path), splits=('val', ))


def test_polygon_size_disagreeing_with_image_is_an_error(tmp_path):
    write_frame(tmp_path, 'val', 'lindau', 1, [('road', [[0, 0], [3, 0], [3, 3]])],
                size=(16, 8), image_size=(20, 8))
    with pytest.raises(ValueError, match='16x8.*20x8'):
        convert_cityscapes.convert(str(tmp_path), splits=('val', ))


def test_missing_gtfine_says_what_to_unzip(tmp_path):
    with pytest.raises(FileNotFoundError, match='gtFine_trainvaltest.zip'):
        convert_cityscapes.convert(str(tmp_path))

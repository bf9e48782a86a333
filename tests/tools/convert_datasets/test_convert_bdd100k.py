"""BDD100K masks: both release layouts land in the layout the configs read; values that are not
train ids are counted and ignored; size mismatches and colour maps are errors."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[3]
spec = importlib.util.spec_from_file_location('convert_bdd100k',
                                              REPO / 'tools/convert_datasets/bdd100k.py')
convert_bdd100k = importlib.util.module_from_spec(spec)
spec.loader.exec_module(convert_bdd100k)


def write_bdd(src, layout, split, name, mask, image_size=None, mode=None):
    image_dir, mask_dir, suffix = (p.format(split=split) for p in convert_bdd100k.LAYOUTS[layout])
    (src / image_dir).mkdir(parents=True, exist_ok=True)
    (src / mask_dir).mkdir(parents=True, exist_ok=True)
    width, height = image_size or mask.shape[::-1]
    Image.fromarray(np.zeros((height, width, 3), np.uint8)).save(src / image_dir / f'{name}.jpg')
    image = Image.fromarray(mask)
    (image.convert(mode) if mode else image).save(src / mask_dir / f'{name}{suffix}')


@pytest.mark.parametrize('layout', ['current', 'seg2018'])
def test_masks_are_written_in_the_current_layout(tmp_path, layout):
    mask = np.array([[0, 18, 255, 7]] * 4, np.uint8)
    write_bdd(tmp_path / 'src', layout, 'val', '7d06fefd-f7be05a6', mask)
    summary = convert_bdd100k.convert(str(tmp_path / 'src'), str(tmp_path / 'out'))
    assert summary['val'] == dict(images=1, unknown={})
    out = tmp_path / 'out'
    np.testing.assert_array_equal(
        np.array(Image.open(out / 'labels/sem_seg/masks/val/7d06fefd-f7be05a6.png')), mask)
    assert (out / 'images/10k/val/7d06fefd-f7be05a6.jpg').is_file()


def test_values_outside_train_ids_are_counted_and_ignored(tmp_path, capsys):
    mask = np.array([[0, 19, 19, 200]], np.uint8)
    write_bdd(tmp_path, 'current', 'val', 'a', mask)
    convert_bdd100k.main([str(tmp_path), '--out', str(tmp_path)])  # in place
    fixed = np.array(Image.open(tmp_path / 'labels/sem_seg/masks/val/a.png'))
    np.testing.assert_array_equal(fixed, [[0, 255, 255, 255]])
    out = capsys.readouterr().out
    assert 'values {19: 2, 200: 1}' in out and '1 mask(s) had unknown values' in out


def test_size_mismatch_names_both_files(tmp_path):
    write_bdd(tmp_path, 'current', 'val', 'a', np.zeros((4, 8), np.uint8), image_size=(8, 5))
    with pytest.raises(ValueError, match=r'a\.png is 8x4 but its image .*a\.jpg is 8x5'):
        convert_bdd100k.convert(str(tmp_path), str(tmp_path / 'out'))


def test_colour_maps_are_rejected(tmp_path):
    write_bdd(tmp_path, 'current', 'val', 'a', np.zeros((4, 8), np.uint8), mode='RGB')
    with pytest.raises(ValueError, match='colour maps'):
        convert_bdd100k.convert(str(tmp_path), str(tmp_path / 'out'))


def test_missing_masks_name_both_layouts(tmp_path):
    with pytest.raises(FileNotFoundError, match='labels/sem_seg/masks/val or .*seg/labels/val'):
        convert_bdd100k.convert(str(tmp_path), str(tmp_path / 'out'))

"""GTA5 checker: size-mismatched and unpaired frames are reported and kept out of the split
lists, on a tiny fake in the real images/ + labels/ layout."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[3]
spec = importlib.util.spec_from_file_location('convert_gta5', REPO / 'tools/convert_datasets/gta5.py')
convert_gta5 = importlib.util.module_from_spec(spec)
spec.loader.exec_module(convert_gta5)


def write_gta5(root, frames):
    """frames: {stem: (image WxH or None, label WxH or None)}"""
    for sub in ('images', 'labels'):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for stem, (image_size, label_size) in frames.items():
        if image_size:
            Image.fromarray(np.zeros(image_size[::-1] + (3, ), np.uint8)).save(
                root / 'images' / f'{stem}.png')
        if label_size:
            Image.fromarray(np.full(label_size[::-1], 7, np.uint8)).save(
                root / 'labels' / f'{stem}.png')


def test_split_lists_exclude_bad_frames_and_report_them(tmp_path, capsys):
    write_gta5(tmp_path, {
        '00001': ((16, 8), (16, 8)), '00002': ((16, 8), (16, 8)), '00003': ((16, 8), (15, 8)),
        '00004': ((16, 8), None), '00005': (None, (16, 8)), '00006': ((16, 8), (16, 8))})
    (tmp_path / 'train_list.txt').write_text('00001.png\n00003.png\n00004.png\n00006.png\n')
    (tmp_path / 'val_list.txt').write_text('00002.png\n')
    convert_gta5.main([str(tmp_path), '--split-list', f'train={tmp_path}/train_list.txt',
                       '--split-list', f'val={tmp_path}/val_list.txt'])
    assert (tmp_path / 'splits/train.txt').read_text().split() == ['00001', '00006']
    assert (tmp_path / 'splits/val.txt').read_text().split() == ['00002']
    report = capsys.readouterr().out
    assert 'size mismatch, excluded: images/00003.png is 16x8, labels/00003.png is 15x8' in report
    assert 'no label, excluded: images/00004.png' in report
    assert 'no image, excluded: labels/00005.png' in report


def test_without_lists_all_valid_frames_are_listed(tmp_path):
    write_gta5(tmp_path, {'00001': ((8, 8), (8, 8)), '00002': ((8, 8), (8, 4))})
    convert_gta5.main([str(tmp_path)])
    assert (tmp_path / 'splits/all.txt').read_text().split() == ['00001']


def test_list_naming_absent_frames_is_an_error(tmp_path):
    write_gta5(tmp_path, {'00001': ((8, 8), (8, 8))})
    (tmp_path / 'val_list.txt').write_text('00001.png\n09999.png\n')
    with pytest.raises(ValueError, match='09999'):
        convert_gta5.main([str(tmp_path), '--split-list', f'val={tmp_path}/val_list.txt'])


def test_missing_folder_explains_the_layout(tmp_path):
    with pytest.raises(FileNotFoundError, match='images/ and labels/'):
        convert_gta5.main([str(tmp_path)])

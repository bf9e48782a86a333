"""SynthStreets generator: determinism, idempotence and the exact GTA5 / Cityscapes on-disk layouts."""
import importlib.util
import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from slim_mmseg.datasets.cityscapes_labels import LABEL_ID_TO_TRAIN_ID, LABEL_NAME_TO_ID
from slim_mmseg.synthstreets import MANIFEST_NAME, SynthStreetsSpec, generate, render_sample

TINY = SynthStreetsSpec(seed=0, height=32, width=64, source_train=3, source_val=2, target_train=1,
                        target_val=2, targets=('overcast', 'foggy'))
REPO = Path(__file__).resolve().parents[2]


def tree_bytes(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob('*')) if p.is_file()}


def quiet(_):
    pass


def test_same_seed_gives_byte_identical_files_and_another_seed_differs(tmp_path):
    generate(str(tmp_path / 'a'), TINY, log=quiet)
    generate(str(tmp_path / 'b'), TINY, log=quiet)
    generate(str(tmp_path / 'c'), SynthStreetsSpec(**{**TINY.__dict__, 'seed': 1}), log=quiet)
    a, b, c = (tree_bytes(tmp_path / name) for name in 'abc')
    assert a == b
    images = [k for k in a if k.endswith('.png')]
    assert sorted(images) != [] and all(a[k] != c.get(k) for k in images if '/images/' in k
                                        or 'leftImg8bit' in k)


def test_exact_layout_suffixes_and_split_lists(tmp_path):
    generate(str(tmp_path), TINY, log=quiet)
    files = set(tree_bytes(tmp_path))
    source_names = [f'{i:05d}' for i in range(1, 6)]
    expected = {f'gta5/{kind}/{n}.png' for kind in ('images', 'labels') for n in source_names}
    expected |= {'gta5/splits/train.txt', 'gta5/splits/val.txt', MANIFEST_NAME}
    for target in ('overcast', 'foggy'):
        for split, city, count in (('train', 'westville', 1), ('val', 'eastville', 2)):
            for i in range(count):
                stem = f'{city}_000000_{i:06d}'
                expected.add(f'{target}/leftImg8bit/{split}/{city}/{stem}_leftImg8bit.png')
                expected.add(f'{target}/gtFine/{split}/{city}/{stem}_gtFine_labelTrainIds.png')
    assert files == expected
    train = (tmp_path / 'gta5/splits/train.txt').read_text().split()
    val = (tmp_path / 'gta5/splits/val.txt').read_text().split()
    assert len(train) == 3 and len(val) == 2 and sorted(train + val) == source_names


def test_label_values_source_holds_label_ids_targets_hold_train_ids(tmp_path):
    generate(str(tmp_path), TINY, log=quiet)
    for path in (tmp_path / 'gta5/labels').iterdir():
        ids = np.array(Image.open(path))
        assert ids.shape == (32, 64) and ids.dtype == np.uint8
        assert set(np.unique(ids)) <= set(LABEL_ID_TO_TRAIN_ID)
        assert {7, 23} <= set(np.unique(ids))  # road and sky in every scene
        image = cv2.imread(str(tmp_path / 'gta5/images' / path.name), cv2.IMREAD_UNCHANGED)
        assert image.shape == (32, 64, 3)
    for path in tmp_path.glob('*/gtFine/*/*/*_gtFine_labelTrainIds.png'):
        train_ids = np.array(Image.open(path))
        assert set(np.unique(train_ids)) <= set(range(19)) | {255}
        assert {0, 10} <= set(np.unique(train_ids))


def test_scenes_cover_the_classes_and_void_ids_that_gta5_has():
    seen = set()
    for i in range(20):
        _, ids = render_sample(3, 'gta5', 'train', i)
        seen |= set(np.unique(ids).tolist())
    required = ['road', 'sidewalk', 'building', 'wall', 'fence', 'pole', 'traffic light',
                'traffic sign', 'vegetation', 'terrain', 'sky', 'person', 'car', 'truck', 'bicycle']
    assert {LABEL_NAME_TO_ID[name] for name in required} <= seen
    assert {0, 1, 4} <= seen  # unlabeled, ego vehicle, static: must map to 255


def test_targets_share_the_layout_distribution_but_not_the_style():
    source = [render_sample(0, 'gta5', 'val', i) for i in range(12)]
    for target in ('overcast', 'foggy', 'dusk'):
        styled = [render_sample(0, target, 'val', i) for i in range(12)]
        road_share = [np.mean(ids == 7) for _, ids in styled]
        assert abs(np.mean(road_share) - np.mean([np.mean(ids == 7) for _, ids in source])) < 0.1
        # the same pixels of sky and road look measurably different from the source style
        src_sky = np.concatenate([img[ids == 23] for img, ids in source]).mean(0)
        tgt_sky = np.concatenate([img[ids == 23] for img, ids in styled]).mean(0)
        assert np.abs(src_sky - tgt_sky).max() > 25


def test_generation_is_idempotent_and_regenerates_without_stale_files(tmp_path):
    messages = []
    generate(str(tmp_path), TINY, log=quiet)
    stamp = {p: p.stat().st_mtime_ns for p in tmp_path.rglob('*.png')}
    generate(str(tmp_path), TINY, log=messages.append)
    assert 'nothing to do' in messages[-1]
    assert stamp == {p: p.stat().st_mtime_ns for p in tmp_path.rglob('*.png')}

    fewer = SynthStreetsSpec(**{**TINY.__dict__, 'source_train': 1, 'targets': ('foggy',)})
    generate(str(tmp_path), fewer, log=quiet)
    assert len(list((tmp_path / 'gta5/images').iterdir())) == 3
    assert not (tmp_path / 'overcast').exists()


def test_refuses_to_write_into_a_foreign_non_empty_folder(tmp_path):
    (tmp_path / 'notes.txt').write_text('mine')
    with pytest.raises(FileExistsError, match='refusing'):
        generate(str(tmp_path), TINY, log=quiet)
    assert os.listdir(tmp_path) == ['notes.txt']


def test_cli_writes_the_requested_counts(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location('make_synthstreets', REPO / 'tools/make_synthstreets.py')
    cli = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli)
    cli.main(['--out', str(tmp_path), '--seed', '4', '--source-train', '2', '--source-val', '1',
              '--target-train', '0', '--target-val', '1', '--targets', 'dusk', '--height', '32',
              '--width', '64'])
    assert 'wrote 2 gta5 train' in capsys.readouterr().out
    assert len(list(tmp_path.glob('dusk/leftImg8bit/val/*/*.png'))) == 1
    assert len(list(tmp_path.glob('gta5/images/*.png'))) == 3

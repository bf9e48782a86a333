"""SynthStreets-C: parameters per severity, determinism, layout and labels."""
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from slim_mmseg.datasets.cityscapes_labels import LABEL_ID_LOOKUP
from slim_mmseg.synthstreets import SynthStreetsSpec, generate, render_sample
from slim_mmseg.synthstreets.corruptions import (CORRUPTIONS, MANIFEST_NAME, SEVERITIES, SEVERITY_PARAMETERS,
                                                 corrupt, corruption_transform, generate_corruptions)

TINY = SynthStreetsSpec(height=32, width=64, source_train=1, source_val=2, target_train=0, target_val=0,
                        targets=())


def quiet(_):
    pass


def tree_bytes(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob('*')) if p.is_file()}


def test_eleven_corruptions_each_with_five_fixed_severities():
    assert len(CORRUPTIONS) == 11 and SEVERITIES == (1, 2, 3, 4, 5)
    for corruption in CORRUPTIONS:
        assert len(SEVERITY_PARAMETERS[corruption]) == 5
        (transform, ) = corruption_transform(corruption, 3).transforms
        assert transform.p == 1.0
    with pytest.raises(ValueError, match=r"unknown corruption 'hail'; valid: \['fog'"):
        corruption_transform('hail', 1)
    with pytest.raises(ValueError, match=r'severity must be one of \(1, 2, 3, 4, 5\), got 0'):
        corruption_transform('fog', 0)


@pytest.mark.parametrize('corruption', CORRUPTIONS)
def test_deterministic_and_stronger_with_severity(corruption):
    image, _ = render_sample(0, 'gta5', 'val', 0)
    first = corrupt(image, corruption, 3, seed=5)
    assert np.array_equal(first, corrupt(image, corruption, 3, seed=5))
    assert first.shape == image.shape and first.dtype == np.uint8
    change = [np.abs(corrupt(image, corruption, s, seed=5).astype(int) - image).mean() for s in SEVERITIES]
    assert change[0] > 0.3 and all(a < b for a, b in zip(change, change[1:])), change


def test_layout_labels_determinism_and_idempotence(tmp_path):
    generate(str(tmp_path / 'src'), TINY, log=quiet)
    first = generate_corruptions(str(tmp_path / 'src'), str(tmp_path / 'a'), seed=0,
                                 corruptions=('fog', 'jpeg'), log=quiet)
    generate_corruptions(str(tmp_path / 'src'), str(tmp_path / 'b'), seed=0, corruptions=('fog', 'jpeg'),
                         log=quiet)
    a = tree_bytes(tmp_path / 'a')
    assert a == tree_bytes(tmp_path / 'b')
    stems = ['eastville_000000_000000', 'eastville_000000_000001']
    expected = {f'gtFine/val/eastville/{s}_gtFine_labelTrainIds.png' for s in stems}
    for folder in ['clean/0'] + [f'{c}/{s}' for c in ('fog', 'jpeg') for s in SEVERITIES]:
        expected |= {f'{folder}/leftImg8bit/val/eastville/{s}_leftImg8bit.png' for s in stems}
    assert set(a) == expected | {MANIFEST_NAME}
    assert first['corruptions'] == ['fog', 'jpeg'] and first['seed'] == 0
    # labels: the source-val label ids as train ids; clean images: the source-val images
    source = tmp_path / 'src/gta5'
    val_stems = (source / 'splits/val.txt').read_text().split()
    for index, stem in enumerate(val_stems):
        name = f'eastville_000000_{index:06d}'
        label_ids = np.asarray(Image.open(source / f'labels/{stem}.png'))
        train_ids = np.asarray(Image.open(tmp_path / f'a/gtFine/val/eastville/{name}_gtFine_labelTrainIds.png'))
        assert train_ids.shape == label_ids.shape == (32, 64)
        np.testing.assert_array_equal(train_ids, LABEL_ID_LOOKUP[label_ids])
        assert 0 in train_ids and set(np.unique(train_ids).tolist()) <= set(range(19)) | {255}
        np.testing.assert_array_equal(
            cv2.imread(str(tmp_path / f'a/clean/0/leftImg8bit/val/eastville/{name}_leftImg8bit.png')),
            cv2.imread(str(source / f'images/{stem}.png')))
    # another seed changes the random parts (fog patches), not the labels
    generate_corruptions(str(tmp_path / 'src'), str(tmp_path / 'c'), seed=1, corruptions=('fog', 'jpeg'),
                         log=quiet)
    c = tree_bytes(tmp_path / 'c')
    assert c['fog/3/leftImg8bit/val/eastville/eastville_000000_000000_leftImg8bit.png'] != \
        a['fog/3/leftImg8bit/val/eastville/eastville_000000_000000_leftImg8bit.png']
    assert all(c[k] == a[k] for k in a if k.startswith('gtFine'))
    # up to date: nothing rewritten
    messages = []
    generate_corruptions(str(tmp_path / 'src'), str(tmp_path / 'a'), seed=0, corruptions=('fog', 'jpeg'),
                         log=messages.append)
    assert messages == [f'SynthStreets-C (seed 0) already in {tmp_path / "a"}; nothing to do.']


def test_refuses_foreign_folders_and_missing_source(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'source-val split not found: .*nowhere/gta5/splits/val\.txt.*'
                                                r'make_synthstreets\.py'):
        generate_corruptions(str(tmp_path / 'nowhere'), str(tmp_path / 'out'), log=quiet)
    generate(str(tmp_path / 'src'), TINY, log=quiet)
    (tmp_path / 'out').mkdir()
    (tmp_path / 'out/mine.txt').write_text('keep me')
    with pytest.raises(FileExistsError, match=r'not empty and has no synthstreets_c\.json'):
        generate_corruptions(str(tmp_path / 'src'), str(tmp_path / 'out'), log=quiet)
    with pytest.raises(ValueError, match=r"unknown corruptions \['hail'\]"):
        generate_corruptions(str(tmp_path / 'src'), str(tmp_path / 'x'), corruptions=('hail', ), log=quiet)

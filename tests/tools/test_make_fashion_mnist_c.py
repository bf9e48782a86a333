"""tools/make_fashion_mnist_c.py on tiny fake IDX files: layout, determinism, idempotence, split."""
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / 'tools'))
sys.path.insert(0, str(ROOT / 'tests'))
import make_fashion_mnist_c as fmc  # noqa: E402
from fashion_mnist_fakes import write_split  # noqa: E402

from slim_mmseg.datasets.fashion_mnist_c import (FASHION_MNIST_C_CORRUPTIONS,  # noqa: E402
                                                 FashionMNISTCDataset, FashionMNISTSplitDataset)

SOME = ('gaussian_noise', 'fog', 'contrast')


def fake_source(tmp_path):
    source = tmp_path / 'idx'
    test_images, test_labels = write_split(source, 't10k', 6, seed=1)
    write_split(source, 'train', 40, seed=2)
    return source, test_images, test_labels


def test_layout_values_and_readers(tmp_path):
    source, test_images, test_labels = fake_source(tmp_path)
    out = tmp_path / 'c'
    fmc.generate(str(source), str(out), seed=3, per_class=2, corruptions=SOME, log=lambda _: None)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f'{c}.npy' for c in SOME] + ['labels.npy', 'source_val_indices.npy', 'fashion_mnist_c.json'])
    assert (np.load(out / 'labels.npy') == np.tile(test_labels, 5)).all()
    for corruption in SOME:
        images = np.load(out / f'{corruption}.npy')
        assert images.shape == (30, 28, 28) and images.dtype == np.uint8
        assert (images != np.tile(test_images, (5, 1, 1))).any()
        # row (severity 4, image 2) is that image under that corruption with its own seed
        expected = fmc.corrupt(test_images[2], corruption, 4, fmc.image_seed(3, corruption, 4, 2))
        assert (images[3 * 6 + 2] == expected).all()
    held_out = np.load(out / 'source_val_indices.npy')
    train_labels = np.arange(40) % 10
    assert (np.bincount(train_labels[held_out], minlength=10) == 2).all()
    assert (np.diff(held_out) > 0).all()
    dataset = FashionMNISTCDataset(corruptions=SOME, data_root=str(out), pipeline=[])
    assert len(dataset) == 3 * 30
    val = FashionMNISTSplitDataset(part='source_val', split_root=str(out), data_root=str(source),
                                   pipeline=[])
    assert len(val) == 20


def test_deterministic_idempotent_and_seeded(tmp_path):
    source, _, _ = fake_source(tmp_path)
    first, second, other = tmp_path / 'a', tmp_path / 'b', tmp_path / 'c'
    for out, seed in ((first, 0), (second, 0), (other, 1)):
        fmc.generate(str(source), str(out), seed=seed, per_class=2, corruptions=SOME, log=lambda _: None)
    for name in [f'{c}.npy' for c in SOME] + ['source_val_indices.npy']:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert (first / 'gaussian_noise.npy').read_bytes() != (other / 'gaussian_noise.npy').read_bytes()
    messages = []
    fmc.generate(str(source), str(first), seed=0, per_class=2, corruptions=SOME, log=messages.append)
    assert messages == [f'Fashion-MNIST-C (seed 0) already in {first}; nothing to do.']
    # a different generation replaces the old one's files
    fmc.generate(str(source), str(first), seed=0, per_class=2, corruptions=('fog',), log=lambda _: None)
    assert not (first / 'contrast.npy').exists() and (first / 'fog.npy').exists()


def test_severities_grow_and_bad_input_is_named(tmp_path):
    source, test_images, _ = fake_source(tmp_path)
    image = test_images[0]
    for corruption in ('gaussian_noise', 'motion_blur', 'fog', 'contrast'):
        change = [np.abs(fmc.corrupt(image, corruption, s, 0).astype(int) - image).mean()
                  for s in (1, 5)]
        assert change[1] > change[0], corruption
    assert fmc.CORRUPTIONS == FASHION_MNIST_C_CORRUPTIONS
    with pytest.raises(ValueError, match='frost'):
        fmc.corruption_transform('frost', 1)
    with pytest.raises(ValueError, match='severity'):
        fmc.corruption_transform('fog', 0)
    with pytest.raises(ValueError, match='per class'):
        fmc.source_val_indices(np.arange(20) % 10, 3, 0)
    (tmp_path / 'full').mkdir()
    (tmp_path / 'full' / 'x').write_text('x')
    with pytest.raises(FileExistsError, match='refusing'):
        fmc.generate(str(source), str(tmp_path / 'full'), log=lambda _: None)


@pytest.mark.slow
def test_real_fashion_mnist_c_matches_its_manifest_and_layout():
    """The generated set on this machine (python tools/make_fashion_mnist_c.py), when present."""
    import json
    out = ROOT / 'data' / 'fashion_mnist_c'
    if not (out / fmc.MANIFEST_NAME).is_file():
        pytest.skip(f'{out} not generated')
    manifest = json.loads((out / fmc.MANIFEST_NAME).read_text())
    assert manifest['corruptions'] == list(fmc.CORRUPTIONS)
    labels = np.load(out / 'labels.npy')
    assert labels.shape == (50000,) and (labels[:10000] == labels[40000:]).all()
    held_out = np.load(out / 'source_val_indices.npy')
    assert held_out.shape == (5000,)
    dataset = FashionMNISTCDataset(data_root=str(out), pipeline=[])
    assert len(dataset) == 15 * 50000
    source = fmc.DEBIAN_ROOT
    test_images = fmc._read_split(source, 'test')[0]
    image = fmc.corrupt(test_images[7], 'fog', 3, fmc.image_seed(manifest['seed'], 'fog', 3, 7))
    assert (np.load(out / 'fog.npy', mmap_mode='r')[20007] == image).all()

"""Fashion-MNIST IDX loader on tiny IDX files (both layouts, plain and gzipped)."""
import struct

import numpy as np
import pytest
from fashion_mnist_fakes import write_split
from mmseg.utils import register_all_modules

import slim_mmseg.openmmlab  # noqa: F401  (registration)
from slim_mmseg.datasets.fashion_mnist import FashionMNISTDataset, read_idx

register_all_modules(init_default_scope=True)


def test_debian_layout_gzipped(tmp_path):
    images, labels = write_split(tmp_path, 'train', 12)
    dataset = FashionMNISTDataset(split='train', data_root=str(tmp_path), pipeline=[])
    assert len(dataset) == 12
    sample = dataset[5]
    np.testing.assert_array_equal(sample['img'], images[5])
    assert sample['gt_label'] == 5 and sample['domain'] == 'clean'
    assert sample['img_shape'] == (28, 28)


def test_torchvision_layout_plain_files_and_subset(tmp_path):
    images, _ = write_split(tmp_path / 'FashionMNIST' / 'raw', 't10k', 7, gz=False)
    dataset = FashionMNISTDataset(split='test', num_samples=3, data_root=str(tmp_path), pipeline=[])
    assert len(dataset) == 3
    np.testing.assert_array_equal(dataset[2]['img'], images[2])


def test_packed_for_the_classifier(tmp_path):
    write_split(tmp_path, 'train', 4)
    dataset = FashionMNISTDataset(split='train', data_root=str(tmp_path),
                                  pipeline=[dict(type='PackClsInputs')])
    packed = dataset[1]
    assert tuple(packed['inputs'].shape) == (1, 28, 28)
    assert int(packed['data_samples'].gt_label) == 1


def test_missing_file_names_path_and_package(tmp_path):
    with pytest.raises(FileNotFoundError, match='train-images-idx3-ubyte.*apt-get install dataset-fashion-mnist'):
        FashionMNISTDataset(split='train', data_root=str(tmp_path), pipeline=[])


def test_bad_files_and_arguments(tmp_path):
    bad = tmp_path / 'bad'
    bad.write_bytes(b'\x00\x00\x0d\x01\x00\x00\x00\x01\x00')
    with pytest.raises(ValueError, match='not an unsigned-byte IDX'):
        read_idx(str(bad))
    truncated = tmp_path / 'truncated'
    truncated.write_bytes(struct.pack('>BBBBi', 0, 0, 8, 1, 5) + b'\x01\x02')
    with pytest.raises(ValueError, match='5 bytes'):
        read_idx(str(truncated))
    with pytest.raises(ValueError, match="valid: \\('train', 'test'\\)"):
        FashionMNISTDataset(split='val', data_root=str(tmp_path), pipeline=[])
    with pytest.raises(ValueError, match='num_samples'):
        FashionMNISTDataset(split='train', num_samples=0, data_root=str(tmp_path), pipeline=[])


def test_real_debian_files_when_installed():
    """The real package's files parse (60000 / 10000 images); it is installed by setup_env.sh."""
    dataset = FashionMNISTDataset(split='test', pipeline=[])
    assert len(dataset) == 10000
    assert dataset.images.shape == (10000, 28, 28)
    labels = [dataset.get_data_info(i)['gt_label'] for i in range(len(dataset))]
    assert np.bincount(labels).tolist() == [1000] * 10  # balanced test split

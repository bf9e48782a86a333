import numpy as np
import pytest
from cls_fake_data import write_fake_cifar10, write_fake_cifar10c
from mmseg.utils import register_all_modules

from slim_mmseg.datasets.cifar10 import CIFAR10Dataset
from slim_mmseg.datasets.cifar10c import CIFAR10CDataset

register_all_modules(init_default_scope=True)
PIPELINE = [dict(type='PackClsInputs')]


def test_cifar10_pickles_become_rgb_hwc_images(tmp_path):
    written = write_fake_cifar10(tmp_path, per_batch=3)
    train = CIFAR10Dataset(split='train', data_root=str(tmp_path), pipeline=PIPELINE)
    test = CIFAR10Dataset(split='test', data_root=str(tmp_path), pipeline=PIPELINE)
    assert (len(train), len(test)) == (15, 3)
    data, labels = written['data_batch_2']
    info = train.get_data_info(4)  # second image of the second batch
    assert info['gt_label'] == labels[1] and info['domain'] == 'clean'
    # row layout: 1024 red, 1024 green, 1024 blue values, each plane row-major
    red, blue = data[1, :1024].reshape(32, 32), data[1, 2048:].reshape(32, 32)
    assert np.array_equal(info['img'][..., 0], red) and np.array_equal(info['img'][..., 2], blue)
    packed = train[4]
    assert packed['inputs'].shape == (3, 32, 32)
    assert np.array_equal(packed['inputs'][0].numpy(), red)


def test_cifar10_missing_batch_is_named(tmp_path):
    write_fake_cifar10(tmp_path)
    (tmp_path / 'data_batch_3').unlink()
    with pytest.raises(FileNotFoundError, match='data_batch_3'):
        CIFAR10Dataset(split='train', data_root=str(tmp_path))


def test_cifar10c_severity_blocks_labels_and_untouched_pixels(tmp_path):
    labels, arrays = write_fake_cifar10c(tmp_path, per_severity=2,
                                         corruptions=['fog', 'pixelate'])
    dataset = CIFAR10CDataset(corruptions=['fog', 'pixelate'], data_root=str(tmp_path),
                              pipeline=PIPELINE)
    assert len(dataset) == 20
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    assert [i['severity'] for i in infos[:10]] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert [i['domain'] for i in infos] == ['fog'] * 10 + ['pixelate'] * 10
    for index, info in enumerate(infos):
        row = index % 10
        assert info['gt_label'] == labels[row]
        assert np.array_equal(info['img'], arrays[info['domain']][row])  # bytes as released
    sample = dataset[13]
    assert sample['data_samples'].severity == 2 and sample['data_samples'].domain == 'pixelate'
    only_severe = CIFAR10CDataset(corruptions=['fog'], severities=[5], data_root=str(tmp_path))
    assert [only_severe.get_data_info(i)['row'] for i in range(2)] == [8, 9]


def test_cifar10c_missing_or_malformed_files_fail_with_names(tmp_path):
    write_fake_cifar10c(tmp_path, corruptions=['fog'])
    with pytest.raises(FileNotFoundError, match='frost.npy'):
        CIFAR10CDataset(corruptions=['fog', 'frost'], data_root=str(tmp_path))
    np.save(tmp_path / 'fog.npy', np.zeros((10, 32, 32), np.uint8))
    with pytest.raises(ValueError, match='fog.npy'):
        CIFAR10CDataset(corruptions=['fog'], data_root=str(tmp_path))
    with pytest.raises(ValueError, match='valid'):
        CIFAR10CDataset(corruptions=['rain'], data_root=str(tmp_path))

"""Fashion-MNIST-C readers on a tiny fake written in the generator's layout."""
import numpy as np
import pytest
from fashion_mnist_fakes import write_split

from slim_mmseg.datasets.fashion_mnist_c import (FASHION_MNIST_C_CORRUPTIONS, FashionMNISTCDataset,
                                                 FashionMNISTSplitDataset)


def write_fake_c(root, count=4, corruptions=('fog', 'snow')):
    """<corruption>.npy whose pixel values encode (corruption, severity, image); labels 0..count-1."""
    root.mkdir(parents=True, exist_ok=True)
    np.save(root / 'labels.npy', np.tile(np.arange(count), 5))
    for c_index, corruption in enumerate(corruptions):
        images = np.zeros((5 * count, 28, 28), np.uint8)
        for row in range(5 * count):
            images[row] = 100 * c_index + row
        np.save(root / f'{corruption}.npy', images)


def test_corruption_rows_carry_domain_severity_and_their_own_image(tmp_path):
    write_fake_c(tmp_path)
    dataset = FashionMNISTCDataset(corruptions=('snow', 'fog'), severities=(2, 5),
                                   data_root=str(tmp_path), pipeline=[])
    assert len(dataset) == 2 * 2 * 4
    first = dataset[0]
    assert (first['domain'], first['severity'], first['gt_label']) == ('snow', 2, 0)
    assert first['img'].shape == (28, 28) and first['img'].dtype == np.uint8
    assert (first['img'] == 100 + 4).all()  # snow is the second corruption; severity 2 starts at row 4
    last = dataset[len(dataset) - 1]
    assert (last['domain'], last['severity'], last['gt_label']) == ('fog', 5, 3)
    assert (last['img'] == 19).all()


def test_bad_corruptions_severities_and_files_are_named(tmp_path):
    write_fake_c(tmp_path)
    with pytest.raises(ValueError, match='frost'):
        FashionMNISTCDataset(corruptions=('frost',), data_root=str(tmp_path), pipeline=[])
    with pytest.raises(ValueError, match='severities'):
        FashionMNISTCDataset(corruptions=('fog',), severities=(6,), data_root=str(tmp_path), pipeline=[])
    with pytest.raises(FileNotFoundError, match='make_fashion_mnist_c'):
        FashionMNISTCDataset(corruptions=('rain',), data_root=str(tmp_path), pipeline=[])
    np.save(tmp_path / 'fog.npy', np.zeros((20, 32, 32), np.uint8))
    with pytest.raises(ValueError, match=r'\(20, 28, 28\)'):
        FashionMNISTCDataset(corruptions=('fog',), data_root=str(tmp_path), pipeline=[])
    assert len(FASHION_MNIST_C_CORRUPTIONS) == 15


def test_split_dataset_partitions_the_training_images(tmp_path):
    images, labels = write_split(tmp_path / 'idx', 'train', 20)
    np.save(tmp_path / 'source_val_indices.npy', np.array([3, 7, 11]))
    kwargs = dict(split_root=str(tmp_path), data_root=str(tmp_path / 'idx'), pipeline=[])
    train = FashionMNISTSplitDataset(part='train', **kwargs)
    val = FashionMNISTSplitDataset(part='source_val', **kwargs)
    assert len(train) == 17 and len(val) == 3
    assert [val[i]['gt_label'] for i in range(3)] == [3, 7, 1]
    assert (val[1]['img'] == images[7]).all() and val[1]['domain'] == 'source_val'
    train_rows = [train.get_data_info(i)['image_index'] for i in range(len(train))]
    assert set(train_rows) == set(range(20)) - {3, 7, 11}
    assert len(FashionMNISTSplitDataset(part='train', num_samples=5, **kwargs)) == 5
    with pytest.raises(ValueError, match='part'):
        FashionMNISTSplitDataset(part='test', **kwargs)
    np.save(tmp_path / 'source_val_indices.npy', np.array([3, 3]))
    with pytest.raises(ValueError, match='distinct'):
        FashionMNISTSplitDataset(part='train', **kwargs)
    with pytest.raises(FileNotFoundError, match='make_fashion_mnist_c'):
        FashionMNISTSplitDataset(part='train', split_root=str(tmp_path / 'nowhere'),
                                 data_root=str(tmp_path / 'idx'), pipeline=[])

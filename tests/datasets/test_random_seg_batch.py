"""random_seg_batch: shapes, value ranges, metainfo and the seed."""
import torch

from slim_mmseg.datasets.random_seg_batch import random_seg_batch


def test_shapes_ranges_metainfo_and_seed():
    batch = random_seg_batch(3, (4, 6), num_classes=5, seed=1)
    assert [tuple(image.shape) for image in batch['inputs']] == [(3, 4, 6)] * 3
    assert all(image.dtype == torch.uint8 for image in batch['inputs'])
    labels = torch.stack([sample.gt_sem_seg.data for sample in batch['data_samples']])
    assert labels.shape == (3, 1, 4, 6) and labels.min() >= 0 and labels.max() == 4
    assert batch['data_samples'][0].img_shape == (4, 6) == batch['data_samples'][2].pad_shape
    again, other = random_seg_batch(3, (4, 6), 5, seed=1), random_seg_batch(3, (4, 6), 5, seed=2)
    assert torch.equal(again['inputs'][2], batch['inputs'][2])
    assert not torch.equal(other['inputs'][0], batch['inputs'][0])

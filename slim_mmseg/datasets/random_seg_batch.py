"""Random segmentation batches in the form mmseg's data loaders produce (uint8 images, SegDataSamples
with labels), for tests and step benchmarks that need no data on disk."""
from typing import Tuple

import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample


def random_seg_batch(n: int, size: Tuple[int, int], num_classes: int, seed: int = 0) -> dict:
    """``n`` images of ``size = (height, width)`` with uniform pixels and labels in ``0..num_classes-1``,
    drawn from one generator seeded with ``seed`` (image then label, sample by sample)."""
    height, width = size
    g = torch.Generator().manual_seed(seed)
    inputs, samples = [], []
    for _ in range(n):
        inputs.append(torch.randint(0, 256, (3, height, width), generator=g, dtype=torch.uint8))
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=torch.randint(0, num_classes, (1, height, width), generator=g))
        sample.set_metainfo(dict(img_shape=(height, width), ori_shape=(height, width), pad_shape=(height, width)))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)

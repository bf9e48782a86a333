"""Random segmentation batches in the form mmseg's data loaders produce (uint8 images, SegDataSamples)."""
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample


def random_seg_batch(n=2, size=32, num_classes=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    inputs, samples = [], []
    for _ in range(n):
        inputs.append(torch.randint(0, 256, (3, size, size), generator=g, dtype=torch.uint8))
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=torch.randint(0, num_classes, (1, size, size), generator=g))
        sample.set_metainfo(dict(img_shape=(size, size), ori_shape=(size, size), pad_shape=(size, size)))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)

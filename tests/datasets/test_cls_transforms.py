import numpy as np
import pytest
import torch

from slim_mmseg.datasets.transforms import PackClsInputs, RandomPaddedCrop, RandomResizedCrop


def test_random_resized_crop_output_and_area():
    np.random.seed(0)
    img = np.arange(60 * 80 * 3, dtype=np.uint8).reshape(60, 80, 3)
    crop = RandomResizedCrop(size=(24, 32), scale=(0.5, 0.5), ratio=(1.0, 1.0))
    top, left, height, width = crop.crop_box(60, 80)
    assert height == width == round((0.5 * 60 * 80) ** 0.5)
    assert 0 <= top <= 60 - height and 0 <= left <= 80 - width
    out = crop(dict(img=img))
    assert out['img'].shape == (24, 32, 3) and out['img_shape'] == (24, 32)
    with pytest.raises(ValueError, match='scale'):
        RandomResizedCrop(size=8, scale=(0.9, 0.1))


def test_random_padded_crop_is_a_shift_with_zero_fill():
    np.random.seed(1)
    img = np.random.randint(1, 256, (8, 8, 3)).astype(np.uint8)
    transform = RandomPaddedCrop(padding=2)
    for _ in range(5):
        out = transform(dict(img=img.copy()))['img']
        assert out.shape == img.shape
        rows, cols = np.nonzero(out[..., 0])
        # the non-zero part is a contiguous window of the original image, shifted by <= 2
        window = out[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
        assert (window > 0).all() and min(window.shape[:2]) >= 6
        assert any(np.array_equal(window, img[y:y + window.shape[0], x:x + window.shape[1]])
                   for y in range(3) for x in range(3))


def test_pack_cls_inputs_keeps_label_and_domain_metainfo():
    img = np.random.randint(0, 256, (5, 7, 3)).astype(np.uint8)
    packed = PackClsInputs()(dict(img=img, gt_label=3, domain='photo', severity=2, other=1))
    assert packed['inputs'].shape == (3, 5, 7) and packed['inputs'].dtype == torch.uint8
    assert np.array_equal(packed['inputs'].permute(1, 2, 0).numpy(), img)
    sample = packed['data_samples']
    assert int(sample.gt_label) == 3 and sample.gt_label.dtype == torch.long
    assert sample.domain == 'photo' and sample.severity == 2 and 'other' not in sample

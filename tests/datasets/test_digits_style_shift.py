import numpy as np
import pytest

from slim_mmseg.datasets.digits_style_shift import DigitsStyleShiftDataset, stratified_split


def test_split_is_disjoint_stratified_and_fixed():
    labels = np.repeat(np.arange(10), 50)
    train, val, test = stratified_split(labels, (0.6, 0.2, 0.2), seed=0)
    assert len(set(train) | set(val) | set(test)) == 500
    assert not (set(train) & set(test) or set(val) & set(test) or set(train) & set(val))
    assert np.all(np.bincount(labels[test], minlength=10) == 10)
    assert np.array_equal(test, stratified_split(labels, (0.6, 0.2, 0.2), seed=0)[2])


def test_target_domains_restyle_the_same_held_out_digits():
    source = DigitsStyleShiftDataset(domains=['source'], split='test', image_size=16)
    shifted = DigitsStyleShiftDataset(domains=['colour', 'texture'], split='test', image_size=16)
    train = DigitsStyleShiftDataset(domains=['source'], split='train', image_size=16)
    n = len(source)
    assert len(shifted) == 2 * n
    train_digits = {train.get_data_info(i)['digit_index'] for i in range(len(train))}
    for i in range(0, n, 37):
        clean, colour, texture = (source.get_data_info(i), shifted.get_data_info(i),
                                  shifted.get_data_info(n + i))
        assert clean['digit_index'] == colour['digit_index'] == texture['digit_index']
        assert clean['digit_index'] not in train_digits
        assert clean['gt_label'] == colour['gt_label'] == texture['gt_label']
        assert clean['img'].shape == (16, 16, 3) and clean['img'].dtype == np.uint8
        assert np.array_equal(clean['img'][..., 0], clean['img'][..., 2])  # grey source
        assert not np.array_equal(clean['img'], colour['img'])
        assert texture['domain'] == 'texture'
    again = DigitsStyleShiftDataset(domains=['colour', 'texture'], split='test', image_size=16)
    assert np.array_equal(again.images, shifted.images)


def test_unknown_domain_or_split_is_refused():
    with pytest.raises(ValueError, match='valid'):
        DigitsStyleShiftDataset(domains=['rain'], split='test')
    with pytest.raises(ValueError, match='valid'):
        DigitsStyleShiftDataset(domains=['source'], split='holdout')

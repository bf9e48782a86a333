"""MultiDomainIoUMetric: per-domain IoU equals a numpy reference, independent of batching and names."""
import numpy as np
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from slim_mmseg.datasets.cityscapes_labels import TRAIN_CLASSES
from slim_mmseg.evaluation.multi_domain_iou_metric import MultiDomainIoUMetric

NUM_CLASSES = len(TRAIN_CLASSES)


def sample(pred, gt, domain, name):
    data_sample = SegDataSample(metainfo=dict(img_path=name, domain=domain))
    data_sample.pred_sem_seg = PixelData(data=torch.as_tensor(pred, dtype=torch.int64)[None])
    data_sample.gt_sem_seg = PixelData(data=torch.as_tensor(gt, dtype=torch.int64)[None])
    return data_sample.to_dict()


def evaluate(samples, batch_size, **kwargs):
    metric = MultiDomainIoUMetric(**kwargs)
    metric.dataset_meta = dict(classes=TRAIN_CLASSES)
    for start in range(0, len(samples), batch_size):
        metric.process({}, samples[start:start + batch_size])
    return metric.evaluate(len(samples))


def numpy_iou(pairs):
    """Per-class IoU (%), mIoU and aAcc over all pixels of (pred, gt) pairs, ignoring 255."""
    inter, pred_area, gt_area = (np.zeros(NUM_CLASSES) for _ in range(3))
    for pred, gt in pairs:
        valid = gt != 255
        p, g = pred[valid], gt[valid]
        inter += np.bincount(p[p == g], minlength=NUM_CLASSES)
        pred_area += np.bincount(p, minlength=NUM_CLASSES)
        gt_area += np.bincount(g, minlength=NUM_CLASSES)
    union = pred_area + gt_area - inter
    with np.errstate(invalid='ignore'):
        iou = 100 * inter / union
    return iou, np.nanmean(iou), 100 * inter.sum() / gt_area.sum()


def random_domain_data(rng, domain, count, noise):
    pairs = []
    for _ in range(count):
        gt = rng.integers(0, 6, (6, 10))
        gt[rng.random(gt.shape) < 0.1] = 255
        pred = np.where(rng.random(gt.shape) < noise, rng.integers(0, 8, gt.shape), gt)
        pred[gt == 255] = rng.integers(0, 8)
        pairs.append((pred, gt))
    return pairs


def test_hand_computed_example():
    gt = np.array([[0, 0], [1, 255]])
    pred = np.array([[0, 1], [1, 1]])
    metrics = evaluate([sample(pred, gt, 'a', 'x.png')], 1, target_domains=['a'], per_class=True)
    # class 0: I=1, U=2; class 1: I=1, U=2 (the ignored pixel is not counted); others absent -> NaN
    assert metrics['a/IoU.road'] == pytest.approx(50.0)
    assert metrics['a/IoU.sidewalk'] == pytest.approx(50.0)
    assert np.isnan(metrics['a/IoU.car'])
    assert metrics['a/mIoU'] == pytest.approx(50.0)
    assert metrics['a/aAcc'] == pytest.approx(200 / 3)
    assert metrics['target_mean/mIoU'] == pytest.approx(50.0)


def test_values_match_numpy_and_do_not_depend_on_batch_size_order_or_file_names():
    rng = np.random.default_rng(0)
    data = {'source_val': random_domain_data(rng, 'source_val', 4, 0.1),
            'foggy': random_domain_data(rng, 'foggy', 5, 0.4),
            'dusk': random_domain_data(rng, 'dusk', 3, 0.7)}
    samples = [sample(p, g, d, f'{d}/{i}.png') for d in data for i, (p, g) in enumerate(data[d])]
    kwargs = dict(target_domains=['foggy', 'dusk'], per_class=True)
    one = evaluate(samples, 1, **kwargs)

    for domain, pairs in data.items():
        iou, miou, aacc = numpy_iou(pairs)
        assert one[f'{domain}/mIoU'] == pytest.approx(miou)
        assert one[f'{domain}/aAcc'] == pytest.approx(aacc)
        np.testing.assert_allclose([one[f'{domain}/IoU.{c}'] for c in TRAIN_CLASSES], iou)
    assert one['target_mean/mIoU'] == pytest.approx((one['foggy/mIoU'] + one['dusk/mIoU']) / 2)
    assert one['source_val/mIoU'] > one['foggy/mIoU'] > one['dusk/mIoU']

    renamed = [sample(p, g, d, f'renamed_{d[::-1]}_{i}.jpg')
               for d in data for i, (p, g) in enumerate(data[d])]
    shuffled = [renamed[i] for i in np.random.default_rng(1).permutation(len(renamed))]
    np.testing.assert_equal(dict(evaluate(samples, 3, **kwargs)), dict(one))  # NaN == NaN here
    np.testing.assert_equal(dict(evaluate(shuffled, 3, **kwargs)), dict(one))


def test_samples_without_a_domain_are_an_error_that_says_how_to_fix_it():
    data_sample = sample(np.zeros((2, 2)), np.zeros((2, 2)), 'a', 'x.png')
    del data_sample['domain']
    metric = MultiDomainIoUMetric()
    metric.dataset_meta = dict(classes=TRAIN_CLASSES)
    with pytest.raises(KeyError, match=r"x\.png.*meta_keys"):
        metric.process({}, [data_sample])


def test_a_missing_target_domain_is_an_error_not_a_smaller_mean():
    samples = [sample(np.zeros((2, 2)), np.zeros((2, 2)), 'foggy', 'x.png')]
    with pytest.raises(KeyError, match=r"\['dusk'\].*seen: \['foggy'\]"):
        evaluate(samples, 1, target_domains=['foggy', 'dusk'])

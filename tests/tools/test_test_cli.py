"""tools/test.py: metrics JSON, --out predictions, --show-dir paintings, --tta."""
import json

import numpy as np
import pytest
from PIL import Image
from tiny_experiment import TINY_CLASSES


def read_metrics(work_dir):
    [metrics_file] = work_dir.glob('*/*.json')
    return json.loads(metrics_file.read_text())


def dataset_iou(prediction_dir, annotation_dir):
    intersection = np.zeros(len(TINY_CLASSES))
    union = np.zeros(len(TINY_CLASSES))
    annotations = sorted(annotation_dir.glob('*.png'))
    for annotation in annotations:
        label = np.array(Image.open(annotation))
        prediction = np.array(Image.open(prediction_dir / annotation.name))
        for index in range(len(TINY_CLASSES)):
            intersection[index] += np.sum((label == index) & (prediction == index))
            union[index] += np.sum((label == index) | (prediction == index))
    with np.errstate(invalid='ignore'):
        return intersection / union, len(annotations)


def test_test_cli_writes_metrics_predictions_and_paintings(tiny_training_run, tool, tmp_path):
    work_dir, out_dir, show_dir = tmp_path / 'work', tmp_path / 'pred', tmp_path / 'show'

    tool('test.py', tiny_training_run.config, tiny_training_run.work_dir / 'iter_2.pth',
         '--work-dir', work_dir, '--out', out_dir, '--show-dir', show_dir,
         '--cfg-options', 'default_hooks.visualization.interval=1')

    metrics = read_metrics(work_dir)
    iou, num_images = dataset_iou(out_dir, tiny_training_run.root / 'data' / 'ann')
    assert metrics['mIoU'] == pytest.approx(np.nanmean(iou) * 100, abs=0.006)
    assert len(list(out_dir.glob('*.png'))) == num_images
    assert len(list((show_dir / 'vis_data' / 'vis_image').glob('*.png'))) == num_images


def test_test_cli_with_tta(tiny_training_run, tool, tmp_path):
    work_dir, out_dir = tmp_path / 'work', tmp_path / 'pred'

    output = tool('test.py', tiny_training_run.config, tiny_training_run.work_dir / 'iter_2.pth',
                  '--work-dir', work_dir, '--out', out_dir, '--tta')

    assert 'SegTTAModel' in output
    iou, num_images = dataset_iou(out_dir, tiny_training_run.root / 'data' / 'ann')
    assert read_metrics(work_dir)['mIoU'] == pytest.approx(np.nanmean(iou) * 100, abs=0.006)

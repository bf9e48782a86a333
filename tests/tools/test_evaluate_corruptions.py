"""tools/evaluate_corruptions.py on a tiny SynthStreets-C: the table equals IoUs counted by hand."""
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from mmseg.apis import inference_model, init_model
from PIL import Image

import slim_mmseg.openmmlab  # noqa: F401
from slim_mmseg.datasets.cityscapes_labels import TRAIN_CLASSES, TRAIN_PALETTE
from slim_mmseg.synthstreets import SynthStreetsSpec, generate
from slim_mmseg.synthstreets.corruptions import generate_corruptions

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs/demo/erm_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py'


def load_tool():
    spec = importlib.util.spec_from_file_location('evaluate_corruptions', REPO / 'tools/evaluate_corruptions.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def miou_by_hand(model, images, labels):
    """mIoU over all pixels of the images (classes absent from labels and predictions left out)."""
    intersection, union = np.zeros(19), np.zeros(19)
    for image, label in zip(images, labels):
        prediction = inference_model(model, str(image)).pred_sem_seg.data[0].numpy()
        label = np.asarray(Image.open(label))
        valid = label != 255
        for c in range(19):
            p, g = (prediction == c) & valid, (label == c) & valid
            intersection[c] += (p & g).sum()
            union[c] += (p | g).sum()
    present = union > 0
    return 100 * np.mean(intersection[present] / union[present])


def test_table_matches_hand_counted_iou(tmp_path):
    generate(str(tmp_path / 'src'), SynthStreetsSpec(height=32, width=64, source_train=1, source_val=2,
                                                     target_train=0, target_val=0, targets=()),
             log=lambda _: None)
    root = tmp_path / 'c'
    generate_corruptions(str(tmp_path / 'src'), str(root), corruptions=('fog', 'jpeg'), log=lambda _: None)
    torch.manual_seed(0)
    model = init_model(str(CONFIG), None, device='cpu')
    checkpoint = tmp_path / 'erm.pth'
    torch.save(dict(state_dict=model.state_dict(),
                    meta=dict(dataset_meta=dict(classes=TRAIN_CLASSES, palette=[list(c) for c in TRAIN_PALETTE]))),
               checkpoint)

    table = load_tool().main([str(CONFIG), str(checkpoint), '--data-root', str(root), '--corruptions', 'fog',
                              'jpeg', '--work-dir', str(tmp_path / 'work'), '--batch-size', '2'])

    model = init_model(str(CONFIG), str(checkpoint), device='cpu')
    labels = sorted((root / 'gtFine/val/eastville').glob('*.png'))
    for domain, folder in (('clean', 'clean/0'), ('fog_2', 'fog/2'), ('jpeg_5', 'jpeg/5')):
        images = sorted((root / folder / 'leftImg8bit/val/eastville').glob('*.png'))
        expected = miou_by_hand(model, images, labels)
        got = table['clean_mIoU'] if domain == 'clean' else table['mIoU'][domain[:-2]][domain[-1]]
        assert got == pytest.approx(expected, abs=0.01), domain
    cells = [table['mIoU'][c][str(s)] for c in ('fog', 'jpeg') for s in range(1, 6)]
    assert table['mean_corruption_mIoU'] == pytest.approx(np.mean(cells), abs=0.01)
    assert table['corruption_mean']['fog'] == pytest.approx(np.mean(cells[:5]), abs=0.01)
    written = json.loads((tmp_path / 'work/corruptions_erm.json').read_text())
    assert written['mIoU'] == table['mIoU'] and written['checkpoint'] == str(checkpoint)


def test_missing_data_root_names_the_generator(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'no SynthStreets-C at .*nowhere.*make_synthstreets_c\.py'):
        load_tool().main([str(CONFIG), 'x.pth', '--data-root', str(tmp_path / 'nowhere')])

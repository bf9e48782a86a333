"""tools/image_demo.py end to end: a demo checkpoint segments an image; the overlay is written."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch
from mmseg.apis import inference_model, init_model
from PIL import Image

import slim_mmseg.openmmlab  # noqa: F401
from slim_mmseg.datasets.cityscapes_labels import TRAIN_CLASSES, TRAIN_PALETTE
from slim_mmseg.synthstreets import render_sample

CONFIG = Path(__file__).resolve().parents[2] / 'configs/demo/advstyle-zhong-slim_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py'


def test_overlay_paints_the_predicted_class_colours(tool, tmp_path):
    torch.manual_seed(0)
    model = init_model(str(CONFIG), None, device='cpu')
    checkpoint = tmp_path / 'slim.pth'
    torch.save(dict(state_dict=model.state_dict(),
                    meta=dict(dataset_meta=dict(classes=TRAIN_CLASSES,
                                                palette=[list(c) for c in TRAIN_PALETTE]))),
               checkpoint)
    image, _ = render_sample(0, 'foggy', 'val', 1)
    image_file = tmp_path / 'street.png'
    Image.fromarray(image).save(image_file)
    prediction = inference_model(init_model(str(CONFIG), str(checkpoint), device='cpu'),
                                 str(image_file)).pred_sem_seg.data[0].numpy()

    opaque = tmp_path / 'out/opaque.png'
    output = tool('image_demo.py', image_file, CONFIG, checkpoint, '--out', opaque, '--opacity', '1')

    painted = np.asarray(Image.open(opaque).convert('RGB'))
    np.testing.assert_array_equal(painted, np.asarray(TRAIN_PALETTE, np.uint8)[prediction])
    counts = np.bincount(prediction.ravel(), minlength=19)
    top = int(np.argmax(counts))
    assert f'wrote {opaque} (128x256): {TRAIN_CLASSES[top]} {100 * counts[top] / prediction.size:.1f}%' \
        in output


def test_opacity_outside_its_range_is_refused(capsys):
    spec = importlib.util.spec_from_file_location('image_demo', CONFIG.parents[2] / 'tools/image_demo.py')
    image_demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(image_demo)
    assert image_demo.parse_args(['a.png', 'c.py', 'c.pth', '--out', 'o.png']).opacity == 0.5
    with pytest.raises(SystemExit):
        image_demo.parse_args(['a.png', 'c.py', 'c.pth', '--out', 'o.png', '--opacity', '0'])
    assert '--opacity must be in (0, 1], got 0.0' in capsys.readouterr().err

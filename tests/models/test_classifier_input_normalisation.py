"""ImageClassifier's in-model normalisation: the model input is the image in [0, 1] (pixel-space
attacks measure their budget there) and the network sees exactly what the data preprocessor's
mean/std normalisation would have given it."""
import pytest
import torch

import slim_mmseg.openmmlab  # noqa: F401  (registration)
from mmseg.registry import MODELS

MEAN, STD = (0.4914, 0.4822, 0.4465), (0.2471, 0.2435, 0.2616)


def classifier(**kwargs):
    torch.manual_seed(0)
    return MODELS.build(dict(type='ImageClassifier', num_classes=10, in_channels=16,
                             backbone=dict(type='CIFARResNet', blocks=(1, 1, 1, 1), base_width=2),
                             **kwargs)).eval()


def test_inside_normalisation_equals_the_preprocessor_normalisation():
    pixels = torch.randint(0, 256, (2, 3, 8, 8)).float()
    outside = classifier(data_preprocessor=dict(type='ImgDataPreprocessor',
                                                mean=[255 * m for m in MEAN], std=[255 * s for s in STD]))
    inside = classifier(data_preprocessor=dict(type='ImgDataPreprocessor', mean=[0.] * 3, std=[255.] * 3),
                        input_mean=MEAN, input_std=STD)
    inside.load_state_dict(outside.state_dict())  # the constants are not part of the state
    unit_inputs = inside.data_preprocessor(dict(inputs=list(pixels)), False)['inputs']
    assert 0.0 <= unit_inputs.min() and unit_inputs.max() <= 1.0
    with torch.no_grad():
        expected = outside(outside.data_preprocessor(dict(inputs=list(pixels)), False)['inputs'])
        torch.testing.assert_close(inside(unit_inputs), expected, rtol=1e-4, atol=1e-5)


def test_normalisation_arguments_are_checked():
    with pytest.raises(ValueError, match='both input_mean and input_std'):
        classifier(input_mean=MEAN)
    with pytest.raises(ValueError, match='positive'):
        classifier(input_mean=MEAN, input_std=(0.2, 0.0, 0.2))
    assert 'input_mean' not in classifier(input_mean=MEAN, input_std=STD).state_dict()

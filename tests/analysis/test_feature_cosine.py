import pytest
import torch

from slim_mmseg.analysis import feature_cosine
from analysis_models import conv_classifier, image_batch

LAYERS = ['backbone.layer1', 'backbone.layer2']


def test_identity_perturbation_gives_cosine_one_at_every_layer():
    model = conv_classifier()
    result = feature_cosine(model, [image_batch(seed=1), image_batch(seed=2)], lambda x, y: x.clone(), LAYERS)
    assert result == pytest.approx({layer: 1.0 for layer in LAYERS}, abs=1e-6)
    assert model.training  # modes restored


def test_values_in_range_and_smaller_for_larger_perturbations():
    model = conv_classifier()
    batches = [image_batch(n=16)]
    generator = torch.Generator().manual_seed(0)
    small = feature_cosine(model, batches, lambda x, y: x + 0.01 * torch.randn(x.shape, generator=generator), LAYERS)
    large = feature_cosine(model, batches, lambda x, y: x + 1.0 * torch.randn(x.shape, generator=generator), LAYERS)
    for layer in LAYERS:
        assert -1 <= large[layer] < small[layer] <= 1
        assert small[layer] > 0.99


def test_features_are_read_in_eval_mode():
    model = conv_classifier()
    images, labels = image_batch()
    # a perturbation that only changes the batch statistics: in eval mode features of a constant
    # shift of one sample do not depend on the other samples
    one = feature_cosine(model, [(images[:1], labels[:1])], lambda x, y: x + 0.3, LAYERS)
    many = feature_cosine(model, [(images, labels)], lambda x, y: x + 0.3, LAYERS)
    single = feature_cosine(model, [(images[1:], labels[1:])], lambda x, y: x + 0.3, LAYERS)
    for layer in LAYERS:
        assert many[layer] == pytest.approx((one[layer] + 7 * single[layer]) / 8, abs=1e-5)


def test_bad_inputs():
    model = conv_classifier()
    with pytest.raises(ValueError, match='backbone.layer1'):
        feature_cosine(model, [image_batch()], lambda x, y: x, ['backbone.stage4'])
    with pytest.raises(ValueError, match='no batches'):
        feature_cosine(model, [], lambda x, y: x, LAYERS)

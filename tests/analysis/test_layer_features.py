import pytest
import torch

from slim_mmseg.analysis import cosine_per_sample, layer_features
from analysis_models import conv_classifier, image_batch


def test_identical_features_have_cosine_one_and_opposite_ones_minus_one():
    a = torch.randn(5, 3, 4, 4)
    assert torch.allclose(cosine_per_sample(a, a.clone()), torch.ones(5), atol=1e-6)
    assert torch.allclose(cosine_per_sample(a, -a), -torch.ones(5), atol=1e-6)
    assert torch.allclose(cosine_per_sample(a, 3 * a), torch.ones(5), atol=1e-6)


def test_cosine_stays_in_range_and_matches_the_formula():
    a, b = torch.randn(64, 10), torch.randn(64, 10)
    values = cosine_per_sample(a, b)
    assert values.min() >= -1 and values.max() <= 1
    expected = (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1))
    assert torch.allclose(values, expected, atol=1e-5)


def test_cosine_refuses_shape_mismatch():
    with pytest.raises(ValueError, match='same shape'):
        cosine_per_sample(torch.zeros(2, 3), torch.zeros(2, 4))


def test_layer_features_are_flattened_per_sample_and_unknown_names_list_valid_ones():
    model = conv_classifier().eval()
    images, _ = image_batch()
    features = layer_features(model, images, ['backbone.layer1', 'backbone.layer2'])
    assert features['backbone.layer1'].shape == (8, 6 * 8 * 8)
    assert features['backbone.layer2'].shape == (8, 6 * 4 * 4)
    with pytest.raises(ValueError, match='backbone.layer1'):
        layer_features(model, images, ['backbone.layer9'])

import pytest
import torch

from slim_mmseg.core import SLIMSampler

LAYERS = ['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4']


def test_draws_cover_layers_losses_and_spread_lambda():
    sampler = SLIMSampler(LAYERS, lambda_range=(-1.0, 1.0), seed=0)
    draws = [sampler.draw() for _ in range(2000)]
    assert {d.layer for d in draws} == set(LAYERS)
    assert {d.loss_name for d in draws} == {'mse', 'ortho', 'reverse'}
    weights = torch.tensor([d.weight for d in draws])
    assert weights.min() >= -1.0 and weights.max() <= 1.0
    # uniform on (-1, 1): every fifth of the range gets about a fifth of the draws
    counts = torch.histc(weights, bins=5, min=-1.0, max=1.0)
    assert (counts / len(draws) - 0.2).abs().max() < 0.05
    for d in draws[:50]:
        assert LAYERS[d.layer_index] == d.layer
        assert sampler.losses[d.loss_index] == d.loss_name


def test_lambda_respects_custom_bounds():
    sampler = SLIMSampler(LAYERS, lambda_range=(0.25, 0.5), seed=1)
    weights = [sampler.draw().weight for _ in range(200)]
    assert min(weights) >= 0.25 and max(weights) <= 0.5


def test_same_seed_same_draws_and_state_resumes_the_sequence():
    a, b = SLIMSampler(LAYERS, seed=3), SLIMSampler(LAYERS, seed=3)
    assert [a.draw() for _ in range(20)] == [b.draw() for _ in range(20)]
    state = a.state_dict()
    expected = [a.draw() for _ in range(10)]
    resumed = SLIMSampler(LAYERS, seed=123)
    resumed.load_state_dict(state)
    assert [resumed.draw() for _ in range(10)] == expected


def test_global_rng_does_not_change_draws():
    a = SLIMSampler(LAYERS, seed=5)
    first = [a.draw() for _ in range(5)]
    torch.manual_seed(999)
    torch.rand(100)
    b = SLIMSampler(LAYERS, seed=5)
    assert [b.draw() for _ in range(5)] == first


def test_bad_configs_fail():
    with pytest.raises(ValueError, match='at least one candidate layer'):
        SLIMSampler([])
    with pytest.raises(ValueError, match='low <= high'):
        SLIMSampler(LAYERS, lambda_range=(1.0, -1.0))
    with pytest.raises(KeyError, match='registered losses'):
        SLIMSampler(LAYERS, losses=['nope'])


def test_dictionary_term_is_weighted_loss():
    sampler = SLIMSampler(['a'], losses=['mse'], lambda_range=(0.5, 0.5), seed=0)
    draw = sampler.draw()
    clean, adv = torch.zeros(2, 3), torch.ones(2, 3)
    assert draw.dictionary_term(clean, adv).item() == pytest.approx(0.5)

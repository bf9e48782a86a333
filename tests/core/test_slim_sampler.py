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
    with pytest.raises(KeyError, match='registered: mse, ortho, reverse'):
        SLIMSampler(LAYERS, losses=['nope'])


    with pytest.raises(ValueError, match="unknown SLIM draw mode 'pixel'; valid: batch, sample"):
        SLIMSampler(LAYERS, draw='pixel')
    with pytest.raises(ValueError, match='needs the batch size'):
        SLIMSampler(LAYERS, draw='sample').draw()


def test_batch_draws_share_one_draw_and_consume_the_stream_as_before():
    """Three numbers per draw (layer, loss, lambda), whatever the batch size, so that runs seeded
    before per-sample draws existed draw the same sequence."""
    generator = torch.Generator().manual_seed(7)
    layer = int(torch.randint(4, (), generator=generator))
    loss = int(torch.randint(3, (), generator=generator))
    weight = -1 + 2 * float(torch.rand((), generator=generator))
    draw = SLIMSampler(LAYERS, seed=7).draw(batch_size=5)
    assert (draw.layer_index, draw.loss_index, draw.mode) == (layer, loss, 'batch')
    assert draw.weight == pytest.approx(weight, abs=1e-7)
    assert draw.weights.shape == (5,) and torch.all(draw.weights == draw.weights[0])
    assert draw.loss_indices.tolist() == [loss] * 5


def test_sample_draws_give_each_sample_its_loss_and_lambda():
    sampler = SLIMSampler(LAYERS, seed=0, draw='sample')
    draws = [sampler.draw(batch_size=64) for _ in range(30)]
    assert all(d.loss_indices.shape == (64,) and d.weights.shape == (64,) for d in draws)
    assert len({d.layer for d in draws}) > 1
    first = draws[0]
    assert set(first.loss_indices.tolist()) == {0, 1, 2} and first.weights.std() > 0.3
    with pytest.raises(AttributeError, match='no single weight'):
        first.weight
    resumed = SLIMSampler(LAYERS, seed=0, draw='sample')
    assert resumed.draw(batch_size=64) == first


def test_a_gpu_mapped_state_loads():
    sampler = SLIMSampler(LAYERS, seed=1)
    state = {'generator': sampler.generator.get_state().clone()}
    loaded = SLIMSampler(LAYERS, seed=2)
    loaded.load_state_dict(state)
    assert loaded.draw() == sampler.draw()

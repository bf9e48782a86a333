"""DSU: statistics resampled around each sample's own, with the batch-estimated spread."""
import pytest
import torch
from helpers_style import feature_batch, noise_copy, stats

from slim_mmseg.core.style_modules import DSU


def test_resampled_statistics_use_the_batch_spread():
    module = DSU(3, p=1.0, seed=0).train()
    x = feature_batch()
    g = noise_copy(module)
    noise_mean, noise_std = torch.randn(4, 3, 1, 1, generator=g), torch.randn(4, 3, 1, 1, generator=g)
    mean, std = stats(x, 1e-6)
    spread_mean = (mean.var(0, keepdim=True) + 1e-6).sqrt()
    spread_std = (std.var(0, keepdim=True) + 1e-6).sqrt()
    out = module(x)
    out_mean, _ = stats(out, 0.0)
    assert torch.allclose(out_mean, mean + noise_mean * spread_mean, atol=1e-5)
    expected = (x - mean) / std * (std + noise_std * spread_std) + mean + noise_mean * spread_mean
    assert torch.allclose(out, expected, atol=1e-5)


def test_probability_zero_eval_and_defaults():
    x = feature_batch()
    assert torch.equal(DSU(3, p=0.0, seed=0).train()(x), x)
    assert DSU(3, seed=0).eval()(x) is x
    assert DSU(3).p == 0.5
    applied = DSU(3, seed=0).train()
    changed = sum(not torch.equal(applied(x), x) for _ in range(400))
    assert 160 < changed < 240
    with pytest.raises(ValueError, match=r'\[0, 1\]'):
        DSU(3, p=1.5)


def test_a_checkpoint_with_one_stream_loads_with_a_warning_and_fresh_streams():
    module = DSU(3, seed=4)
    fresh = {k: v.clone() for k, v in module.state_dict().items()}
    old = {'_extra_state': torch.Generator().manual_seed(1).get_state()}
    with pytest.warns(RuntimeWarning, match='one random stream'):
        module.load_state_dict(old)
    assert all(torch.equal(module.state_dict()[k], v) for k, v in fresh.items())

"""pAdaIN: each sample takes the statistics of a randomly permuted partner."""
import pytest
import torch
from helpers_style import feature_batch, noise_copy, stats

from slim_mmseg.core.style_modules import PermutedAdaIN


def test_samples_take_the_statistics_of_a_permuted_sample():
    module = PermutedAdaIN(3, p=1.0, seed=0).train()
    x = feature_batch(n=6).requires_grad_()
    g = noise_copy(module)
    permutation = torch.randperm(6, generator=g)
    assert not torch.equal(permutation, torch.arange(6))
    mean, std = stats(x.detach(), 1e-5)
    out = module(x)
    out_mean, out_std = stats(out.detach(), 0.0)
    assert torch.allclose(out_mean, mean[permutation], atol=1e-5)
    assert torch.allclose(out_std, std[permutation], rtol=1e-4)
    # the partner's statistics are detached: sample 0's output depends on sample 0 alone
    out[0].sum().backward()
    assert x.grad[1:].abs().sum() == 0


def test_default_probability_and_degenerate_inputs():
    assert PermutedAdaIN(3).p == 0.01
    x = feature_batch(h=1, w=1)
    assert torch.equal(PermutedAdaIN(3, p=1.0, seed=0).train()(x), x)
    module = PermutedAdaIN(3, seed=0).train()
    y = feature_batch()
    changed = sum(not torch.equal(module(y), y) for _ in range(1000))
    assert 2 <= changed <= 25  # ~10 expected at p = 0.01
    with pytest.raises(ValueError, match=r'\[0, 1\]'):
        PermutedAdaIN(3, p=-0.1)

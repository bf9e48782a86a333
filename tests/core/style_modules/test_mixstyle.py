"""MixStyle: convex mixes of two samples' statistics with Beta(alpha, alpha) weights."""
import pytest
import torch
from helpers_style import feature_batch, noise_copy, stats

from slim_mmseg.core.style_modules import MixStyle
from slim_mmseg.core.style_modules.mixstyle import _beta


def test_random_mix_is_a_convex_combination_with_a_permuted_partner():
    module = MixStyle(3, p=1.0, alpha=0.5, seed=0).train()
    x = feature_batch(n=6)
    g = noise_copy(module)
    lam = _beta(0.5, 6, g).view(6, 1, 1, 1)
    partners = torch.randperm(6, generator=g)
    mean, std = stats(x, 1e-6)
    out_mean, out_std = stats(module(x), 0.0)
    assert torch.allclose(out_mean, lam * mean + (1 - lam) * mean[partners], atol=1e-5)
    assert torch.allclose(out_std, lam * std + (1 - lam) * std[partners], rtol=1e-4)
    assert ((lam >= 0) & (lam <= 1)).all()


def test_mixing_weights_follow_beta():
    draws = _beta(0.1, 4000, torch.Generator().manual_seed(0))
    # Beta(0.1, 0.1): mean 1/2, variance 1 / (4 (2 alpha + 1)) = 0.2083
    assert abs(draws.mean() - 0.5) < 0.03
    assert abs(draws.var() - 1 / 4.8) < 0.015


def test_crossdomain_partners_come_from_another_domain():
    module = MixStyle(3, p=1.0, mix='crossdomain', seed=0).train()
    domains = ['a', 'a', 'b', 'c', 'b', 'a']
    module.set_domains(domains)
    for _ in range(20):
        partners = module.partners(6)
        assert all(domains[i] != domains[int(j)] for i, j in enumerate(partners))
    module.set_domains(['a'] * 4)
    with pytest.warns(RuntimeWarning, match='no other-domain partner'):
        module(feature_batch())
    assert module.single_domain_samples == 4
    module.set_domains(None)
    with pytest.raises(ValueError, match='domain labels'):
        module(feature_batch())


def test_defaults_eval_identity_and_bad_arguments():
    module = MixStyle(3)
    assert (module.p, module.alpha, module.mix) == (0.5, 0.1, 'random')
    x = feature_batch()
    assert module.eval()(x) is x
    state = torch.get_rng_state()
    MixStyle(3, p=1.0, seed=0).train()(x)
    assert torch.equal(torch.get_rng_state(), state)  # the global stream is untouched
    with pytest.raises(ValueError, match='mix must be'):
        MixStyle(3, mix='domain')
    with pytest.raises(ValueError, match='alpha'):
        MixStyle(3, alpha=0)


def test_no_global_generator_is_seeded_forked_or_read(monkeypatch):
    """torch.manual_seed would also reseed every CUDA generator (dropout's stream on a GPU)."""
    def refuse(*_args, **_kwargs):
        raise AssertionError('MixStyle touched a global random generator')

    for name in ('manual_seed', 'seed', 'get_rng_state', 'set_rng_state'):
        monkeypatch.setattr(torch, name, refuse)
    monkeypatch.setattr(torch.random, 'fork_rng', refuse)
    monkeypatch.setattr(torch.cuda, 'manual_seed_all', refuse)
    monkeypatch.setattr(torch.cuda, 'manual_seed', refuse)
    x = feature_batch(n=6)
    out = MixStyle(3, p=1.0, alpha=0.1, seed=0).train()(x)
    assert not torch.equal(out, x)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs a CUDA device')
def test_cuda_generator_is_untouched_on_the_device():
    x = feature_batch(n=6).cuda()
    state = torch.cuda.get_rng_state()
    out = MixStyle(3, p=1.0, seed=0).train()(x)
    assert out.is_cuda and torch.equal(torch.cuda.get_rng_state(), state)

"""ASA's module: branches, control-factor initialisation, the perturbation, the GRL ascent."""
from unittest import mock

import pytest
import torch
from helpers_style import feature_batch, noise_copy, stats
from torch import nn

from slim_mmseg.core.style_modules import ASA

ADV_ONLY = (0.0, 1.0, 0.0)


def test_control_factors_start_from_the_batch_spread_and_are_not_reinitialised():
    module = ASA(3, branch_probabilities=ADV_ONLY, seed=0).train()
    x = feature_batch()
    mean, std = stats(x, 1e-6)
    module(x)
    assert bool(module.initialized)
    assert torch.allclose(module.mean_factor, (mean.var(0, keepdim=True) + 1e-6).sqrt())
    assert torch.allclose(module.std_factor, (std.var(0, keepdim=True) + 1e-6).sqrt())
    before = module.mean_factor.detach().clone()
    module(feature_batch(seed=1))
    assert torch.equal(module.mean_factor.detach(), before)


def test_advstyle_branch_adds_factor_scaled_gaussian_noise_to_the_statistics():
    module = ASA(3, branch_probabilities=ADV_ONLY, seed=3).train()
    module.initialized.fill_(True)
    with torch.no_grad():
        module.mean_factor.copy_(torch.tensor([0.5, 1.0, 2.0]).view(1, 3, 1, 1))
        module.std_factor.copy_(torch.tensor([0.1, 0.2, 0.3]).view(1, 3, 1, 1))
    x = feature_batch()
    g = noise_copy(module)
    noise_mean, noise_std = torch.randn(4, 3, 1, 1, generator=g), torch.randn(4, 3, 1, 1, generator=g)
    mean, std = stats(x, 1e-6)
    expected = (x - mean) / std * (std + noise_std * module.std_factor) + mean + noise_mean * module.mean_factor
    out = module(x)
    assert module.last_branch == 'advstyle'
    assert torch.allclose(out, expected, atol=1e-5)


def test_branch_frequencies_follow_the_probabilities():
    module = ASA(3, branch_probabilities=(0.2, 0.5, 0.3), seed=0)
    counts = {}
    for _ in range(2000):
        branch = module.choose_branch()
        counts[branch] = counts.get(branch, 0) + 1
    assert abs(counts['identity'] / 2000 - 0.2) < 0.03
    assert abs(counts['advstyle'] / 2000 - 0.5) < 0.03
    assert abs(counts['dsu'] / 2000 - 0.3) < 0.03


@pytest.mark.parametrize('probabilities', [(0.5, 0.5, 0.5), (1.0, 0.0), (1.2, -0.2, 0.0)])
def test_bad_branch_probabilities_are_refused(probabilities):
    with pytest.raises(ValueError, match='sum to 1'):
        ASA(3, branch_probabilities=probabilities)


def test_one_sgd_step_ascends_the_factors_and_descends_the_weights():
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 3, 1)
    module = ASA(3, adv_weight=10.0, branch_probabilities=ADV_ONLY, seed=1).train()
    x = feature_batch()
    module(conv(x))  # initialises the factors
    target = torch.randn(4, 3, 5, 6)

    def loss_of(feature, mean_factor, std_factor, g):
        # The same forward without the reversal, from a copy of the module's random stream.
        e_mean, e_std = torch.randn(4, 3, 1, 1, generator=g), torch.randn(4, 3, 1, 1, generator=g)
        mean, std = stats(feature, 1e-6)
        out = (feature - mean) / std * (std + e_std * std_factor) + mean + e_mean * mean_factor
        return ((out - target) ** 2).mean()

    factors = [module.mean_factor.detach().clone().requires_grad_(), module.std_factor.detach().clone().requires_grad_()]
    weights = [p.detach().clone().requires_grad_() for p in conv.parameters()]
    reference = loss_of(nn.functional.conv2d(x, weights[0], weights[1]), *factors, noise_copy(module))
    true_grads = torch.autograd.grad(reference, factors + weights)

    optimizer = torch.optim.SGD([*conv.parameters(), *module.parameters()], lr=0.01)
    loss = ((module(conv(x)) - target) ** 2).mean()
    assert torch.allclose(loss, reference)
    loss.backward()
    optimizer.step()
    assert torch.allclose(module.mean_factor, factors[0] + 0.01 * 10.0 * true_grads[0], atol=1e-6)
    assert torch.allclose(module.std_factor, factors[1] + 0.01 * 10.0 * true_grads[1], atol=1e-6)
    for parameter, before, grad in zip(conv.parameters(), weights, true_grads[2:]):
        assert torch.allclose(parameter, before - 0.01 * grad, atol=1e-6)


def test_identity_in_eval_and_when_inactive_without_drawing():
    module = ASA(3, seed=0)
    x = feature_batch()
    state = {k: v.clone() for k, v in module.streams.state_dict().items()}
    assert module.eval()(x) is x
    module.train().active = False
    assert module(x) is x
    assert all(torch.equal(module.streams.state_dict()[k], v) for k, v in state.items())


def test_seeded_determinism_and_resumed_stream():
    x = feature_batch()
    first, second = ASA(3, seed=5).train(), ASA(3, seed=5).train()
    outputs = [first(x) for _ in range(4)]
    assert all(torch.equal(a, second(x)) for a in outputs)
    restored = ASA(3, seed=99).train()
    restored.load_state_dict(first.state_dict())
    assert torch.equal(restored(x), first(x))


def test_dsu_branch_and_small_batch_error():
    module = ASA(3, branch_probabilities=(0.0, 0.0, 1.0), seed=0).train()
    out = module(feature_batch())
    assert module.last_branch == 'dsu' and not bool(module.initialized)
    assert out.shape == (4, 3, 5, 6)
    with pytest.raises(ValueError, match='at least 2 samples'):
        module(feature_batch(n=1))
    with pytest.raises(ValueError, match='built for 3 channels'):
        module(feature_batch(c=4))


def test_the_flag_is_read_until_true_then_again_after_a_state_dict_load():
    """Reading the buffer is a device-to-host sync on a GPU: once per module and run, not per forward."""
    module = ASA(3, branch_probabilities=ADV_ONLY, seed=0).train()
    reads = []
    as_bool = torch.Tensor.__bool__

    def counting(tensor):
        reads.append(tensor.shape)
        return as_bool(tensor)

    with mock.patch.object(torch.Tensor, '__bool__', counting):
        for seed in range(4):
            module(feature_batch(seed=seed))
    assert reads == [torch.Size([])]
    module.load_state_dict(ASA(3, branch_probabilities=ADV_ONLY, seed=0).state_dict())  # not initialised
    x = feature_batch(seed=9)
    module(x)
    mean, _ = stats(x, 1e-6)
    assert torch.allclose(module.mean_factor, (mean.var(0, keepdim=True) + 1e-6).sqrt())

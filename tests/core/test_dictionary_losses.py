import math

import pytest
import torch
import torch.nn.functional as F

from slim_mmseg.core import DICTIONARY_LOSSES, UnknownEntryError, register_dictionary_loss
from slim_mmseg.core.dictionary_losses import check_dictionary_losses

CLEAN = torch.tensor([[1.0, 0.0, 0.0, 0.0], [0.0, 2.0, 0.0, 0.0]]).view(2, 1, 2, 2)
ADV = torch.tensor([[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 3.0, 0.0]]).view(2, 1, 2, 2)
# Per-sample cosines: sample 0: 1 / (1 * sqrt 2); sample 1: orthogonal -> 0.
COS = torch.tensor([1 / math.sqrt(2), 0.0])


def test_the_paper_dictionary_is_registered():
    assert DICTIONARY_LOSSES.names() == ('mse', 'ortho', 'reverse')
    assert DICTIONARY_LOSSES.get('mse').sums_over_elements
    assert not DICTIONARY_LOSSES.get('ortho').sums_over_elements
    assert not DICTIONARY_LOSSES.get('reverse').sums_over_elements


def test_mse_is_the_per_sample_squared_norm_of_the_difference():
    # squared differences: sample 0 -> 1, sample 1 -> 4 + 9 (Eq. 1's ||f(x) - f(x_adv)||^2_2)
    assert DICTIONARY_LOSSES.get('mse')(CLEAN, ADV).tolist() == [1.0, 13.0]


def test_ortho_is_the_per_sample_squared_cosine():
    assert torch.allclose(DICTIONARY_LOSSES.get('ortho')(CLEAN, ADV), COS.pow(2))


def test_reverse_is_the_per_sample_negative_cosine():
    assert torch.allclose(DICTIONARY_LOSSES.get('reverse')(CLEAN, ADV), -COS)


@pytest.mark.parametrize('name', ['mse', 'ortho', 'reverse'])
def test_zero_gradient_at_identity(name):
    clean = torch.randn(3, 4, 5, 5)
    adv = clean.clone().requires_grad_()
    grad, = torch.autograd.grad(DICTIONARY_LOSSES.get(name)(clean, adv).sum(), adv)
    assert grad.abs().max().item() < 1e-5


@pytest.mark.parametrize('name', ['mse', 'ortho', 'reverse'])
def test_nonzero_gradient_away_from_identity_and_per_sample_independence(name):
    clean = torch.randn(3, 4, 5, 5)
    adv = (clean + 0.3 * torch.randn_like(clean)).requires_grad_()
    values = DICTIONARY_LOSSES.get(name)(clean, adv)
    assert values.shape == (3,)
    grad, = torch.autograd.grad(values[1], adv)
    assert grad[1].abs().max().item() > 1e-4
    assert grad[0].abs().max().item() == 0 and grad[2].abs().max().item() == 0


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
@pytest.mark.parametrize('name', ['mse', 'ortho', 'reverse'])
def test_half_precision_features_give_finite_float32_values(name, dtype):
    """A 2 x 256 x 96 x 96 feature of magnitude ~30: its float16 dot product (~2e7) overflows float16
    (max 65504), which made ``ortho`` NaN under float16 autocast; computed in float32 it is finite
    and equals the float32 result of the same (rounded) inputs."""
    g = torch.Generator().manual_seed(0)
    clean32 = 30 * torch.rand(2, 256, 96, 96, generator=g)
    adv32 = clean32 + torch.randn(2, 256, 96, 96, generator=g)
    clean, adv = clean32.to(dtype), adv32.to(dtype).requires_grad_()
    assert not torch.isfinite((clean.flatten(1) * adv.detach().flatten(1)).sum(1, dtype=dtype)).all() \
        or dtype == torch.bfloat16
    with torch.autocast('cpu', dtype=dtype):
        values = DICTIONARY_LOSSES.get(name)(clean, adv)
    assert values.dtype == torch.float32 and torch.isfinite(values).all()
    expected = DICTIONARY_LOSSES.get(name)(clean.float(), adv.detach().float())
    assert torch.allclose(values, expected, rtol=1e-4)
    grad, = torch.autograd.grad(values.sum(), adv)
    assert grad.dtype == dtype and torch.isfinite(grad).all()


@pytest.fixture
def registered_l1():
    """Registers ``test_l1`` for one test and removes it afterwards, so reruns in one process work."""
    @register_dictionary_loss('test_l1', sums_over_elements=True)
    def l1(clean, adversarial):
        return (clean - adversarial).abs().flatten(1).sum(1)

    yield l1
    DICTIONARY_LOSSES.unregister('test_l1')


def test_registering_extends_the_dictionary(registered_l1):
    assert 'test_l1' in DICTIONARY_LOSSES.names()
    assert DICTIONARY_LOSSES.get('test_l1')(CLEAN, ADV).tolist() == [1.0, 5.0]
    with pytest.raises(KeyError, match='already registered'):
        register_dictionary_loss('test_l1')(registered_l1)


def test_unregistering_leaves_the_dictionary_as_it_was(registered_l1):
    DICTIONARY_LOSSES.unregister('test_l1')
    assert DICTIONARY_LOSSES.names() == ('mse', 'ortho', 'reverse')
    DICTIONARY_LOSSES.register('test_l1', registered_l1)  # the fixture removes it again


def test_unknown_loss_lists_close_and_registered_ones():
    with pytest.raises(UnknownEntryError, match="unknown SLIM dictionary loss 'orth'.*'ortho'.*mse, ortho, reverse"):
        check_dictionary_losses(['mse', 'orth'])
    with pytest.raises(ValueError):
        check_dictionary_losses([])


def test_cosine_losses_match_torch_and_keep_no_feature_sized_temporary():
    """ortho/reverse equal F.cosine_similarity's values, and their forward + backward allocate at
    most the gradient's two terms and their sum (3 features; F.cosine_similarity needed 5: it
    keeps normalised copies of both features for backward)."""
    from slim_mmseg.profiling import TensorMemoryTracker
    g = torch.Generator().manual_seed(0)
    clean = torch.randn(8, 16, 12, 12, generator=g)
    adversarial = torch.randn(8, 16, 12, 12, generator=g, requires_grad=True)
    expected = F.cosine_similarity(clean.flatten(1), adversarial.flatten(1), dim=1)
    assert torch.allclose(DICTIONARY_LOSSES.get('reverse')(clean, adversarial), -expected, atol=1e-6)
    assert torch.allclose(DICTIONARY_LOSSES.get('ortho')(clean, adversarial), expected.pow(2), atol=1e-6)
    feature_bytes = adversarial.numel() * adversarial.element_size()
    for name in ('ortho', 'reverse'):
        with TensorMemoryTracker() as memory:
            DICTIONARY_LOSSES.get(name)(clean, adversarial).mean().backward()
        assert memory.peak_bytes <= 3.2 * feature_bytes, name
        adversarial.grad = None

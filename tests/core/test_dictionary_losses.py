import math

import pytest
import torch

from slim_mmseg.core import get_dictionary_loss, register_dictionary_loss, registered_dictionary_losses
from slim_mmseg.core.dictionary_losses import check_dictionary_losses

CLEAN = torch.tensor([[1.0, 0.0, 0.0, 0.0], [0.0, 2.0, 0.0, 0.0]]).view(2, 1, 2, 2)
ADV = torch.tensor([[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 3.0, 0.0]]).view(2, 1, 2, 2)
# Per-sample cosines: sample 0: 1 / (1 * sqrt 2); sample 1: orthogonal -> 0.
COS = torch.tensor([1 / math.sqrt(2), 0.0])


def test_mse_is_mean_squared_difference():
    # squared differences: sample 0 -> 1, sample 1 -> 4 + 9; 8 elements in all
    assert get_dictionary_loss('mse')(CLEAN, ADV).item() == pytest.approx((1 + 4 + 9) / 8)


def test_ortho_is_batch_mean_of_squared_cosine():
    assert get_dictionary_loss('ortho')(CLEAN, ADV).item() == pytest.approx(COS.pow(2).mean().item())


def test_reverse_is_negative_batch_mean_cosine():
    assert get_dictionary_loss('reverse')(CLEAN, ADV).item() == pytest.approx(-COS.mean().item())


@pytest.mark.parametrize('name', ['mse', 'ortho', 'reverse'])
def test_zero_gradient_at_identity(name):
    clean = torch.randn(3, 4, 5, 5)
    adv = clean.clone().requires_grad_()
    grad, = torch.autograd.grad(get_dictionary_loss(name)(clean, adv), adv)
    assert grad.abs().max().item() < 1e-6


@pytest.mark.parametrize('name', ['mse', 'ortho', 'reverse'])
def test_nonzero_gradient_away_from_identity(name):
    clean = torch.randn(3, 4, 5, 5)
    adv = (clean + 0.3 * torch.randn_like(clean)).requires_grad_()
    grad, = torch.autograd.grad(get_dictionary_loss(name)(clean, adv), adv)
    assert grad.abs().max().item() > 1e-4


def test_registering_extends_the_dictionary():
    @register_dictionary_loss('test_l1')
    def l1(clean, adversarial):
        return (clean - adversarial).abs().mean()

    assert 'test_l1' in registered_dictionary_losses()
    assert get_dictionary_loss('test_l1')(CLEAN, ADV).item() == pytest.approx((1 + 2 + 3) / 8)
    with pytest.raises(KeyError, match='already registered'):
        register_dictionary_loss('test_l1')(l1)


def test_unknown_loss_lists_registered_ones():
    with pytest.raises(KeyError, match='unknown SLIM dictionary loss .*mse, ortho, reverse'):
        check_dictionary_losses(['mse', 'cosine'])
    with pytest.raises(ValueError):
        check_dictionary_losses([])


def test_cosine_losses_match_torch_and_keep_no_feature_sized_temporary():
    """ortho/reverse equal F.cosine_similarity's values, and their forward + backward allocate at
    most the gradient's two terms and their sum (3 features; F.cosine_similarity needed 5: it
    keeps normalised copies of both features for backward)."""
    import torch.nn.functional as F

    from slim_mmseg.core import get_dictionary_loss
    from slim_mmseg.profiling import TensorMemoryTracker
    g = torch.Generator().manual_seed(0)
    clean = torch.randn(8, 16, 12, 12, generator=g)
    adversarial = torch.randn(8, 16, 12, 12, generator=g, requires_grad=True)
    expected = F.cosine_similarity(clean.flatten(1), adversarial.flatten(1), dim=1)
    assert torch.allclose(get_dictionary_loss('reverse')(clean, adversarial), -expected.mean(), atol=1e-6)
    assert torch.allclose(get_dictionary_loss('ortho')(clean, adversarial), expected.pow(2).mean(), atol=1e-6)
    feature_bytes = adversarial.numel() * adversarial.element_size()
    for name in ('ortho', 'reverse'):
        with TensorMemoryTracker() as memory:
            get_dictionary_loss(name)(clean, adversarial).backward()
        assert memory.peak_bytes <= 3.2 * feature_bytes, name
        adversarial.grad = None

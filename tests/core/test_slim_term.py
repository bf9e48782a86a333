"""The SLIM term at each scale, against its definition (slim_mmseg/core/slim_term.py)."""
import pytest
import torch
import torch.nn.functional as F

from slim_mmseg.core import DICTIONARY_LOSSES, SLIMSampler, SLIMTerm
from slim_mmseg.core.slim_sampler import SLIMDraw

G = torch.Generator().manual_seed(0)
CLEAN = torch.randn(6, 4, 4, 4, generator=G)           # D_l = 64 elements per sample
ADV = CLEAN + 0.5 * torch.randn(6, 4, 4, 4, generator=G)


def batch_draw(loss: str, weight: float, n: int = 6) -> SLIMDraw:
    losses = ('mse', 'ortho', 'reverse')
    return SLIMDraw('layer', 0, losses, torch.full((n,), losses.index(loss)), torch.full((n,), weight))


def test_paper_mse_is_the_feature_size_times_mean_mse():
    mean = SLIMTerm(batch_draw('mse', 1.0), CLEAN, 'mean').per_sample(ADV)
    paper = SLIMTerm(batch_draw('mse', 1.0), CLEAN, 'paper').per_sample(ADV)
    assert torch.equal(paper, mean * 64)  # 64 is a power of two: exact
    assert torch.allclose(paper, (ADV - CLEAN).pow(2).flatten(1).sum(1))


def test_mean_scale_is_the_previous_elementwise_mean():
    """``'mean'`` with a batch draw is lambda * F.mse_loss (the mean over all B * D elements)."""
    value = SLIMTerm(batch_draw('mse', -0.75), CLEAN, 'mean').value(ADV)
    assert torch.allclose(value, -0.75 * F.mse_loss(ADV, CLEAN))


@pytest.mark.parametrize('loss', ['ortho', 'reverse'])
def test_cosine_losses_are_the_same_at_mean_and_paper_scale(loss):
    mean = SLIMTerm(batch_draw(loss, 0.3), CLEAN, 'mean').value(ADV)
    paper = SLIMTerm(batch_draw(loss, 0.3), CLEAN, 'paper').value(ADV)
    assert torch.equal(mean, paper)
    assert torch.allclose(paper, 0.3 * DICTIONARY_LOSSES.get(loss)(CLEAN, ADV).mean())


def test_sample_draws_use_each_samples_own_loss_and_weight():
    draw = SLIMSampler(['layer'], seed=4, draw='sample').draw(batch_size=6)
    assert len(set(draw.loss_indices.tolist())) > 1
    term = SLIMTerm(draw, CLEAN, 'paper')
    expected = torch.stack([DICTIONARY_LOSSES.get(draw.losses[int(k)])(CLEAN[i:i + 1], ADV[i:i + 1])[0]
                            for i, k in enumerate(draw.loss_indices)])
    assert torch.allclose(term.per_sample(ADV), expected)
    assert torch.allclose(term.value(ADV), (draw.weights * expected).mean())


def test_gradient_reaches_only_the_adversarial_feature():
    adversarial = ADV.clone().requires_grad_()
    SLIMTerm(batch_draw('mse', 1.0), CLEAN, 'paper').value(adversarial).backward()
    assert torch.allclose(adversarial.grad, 2 * (ADV - CLEAN) / 6)


def test_errors_name_the_fix():
    with pytest.raises(ValueError, match="unknown SLIM scale 'literal'; valid: mean, paper, balanced"):
        SLIMTerm(batch_draw('mse', 1.0), CLEAN, 'literal')
    with pytest.raises(RuntimeError, match='mixed by gradient norms'):
        SLIMTerm(batch_draw('mse', 1.0), CLEAN, 'balanced').value(ADV)
    with pytest.raises(RuntimeError, match='never recorded'):
        SLIMTerm(batch_draw('mse', 1.0)).per_sample(ADV)
    with pytest.raises(ValueError, match='differ in shape'):
        SLIMTerm(batch_draw('mse', 1.0), CLEAN, 'mean').per_sample(ADV[:, :2])
    with pytest.raises(ValueError, match='the SLIM draw is for 4 samples, the batch has 6'):
        SLIMTerm(batch_draw('mse', 1.0, n=4), CLEAN, 'mean').per_sample(ADV)

import pytest
import torch
from torch import nn

from slim_mmseg.core import (NORM_MODES, AdversarialStyleGenerator, batchnorm_running_statistics,
                             batchnorm_statistics_frozen, evaluation_mode)


def forward_within(norm_mode, bn, x):
    """``bn(x)`` inside the ``norm_mode`` block, asserting that no buffer changed."""
    state = {k: v.clone() for k, v in bn.state_dict().items()}
    with norm_mode(bn):
        y = bn(x)
    for k, v in bn.state_dict().items():
        assert torch.equal(v, state[k]), k
    return y


def test_training_bn_uses_batch_stats_without_updating_buffers():
    bn = nn.BatchNorm2d(3).train()
    x = torch.randn(4, 3, 5, 5) * 3 + 2
    y = forward_within(batchnorm_statistics_frozen, bn, x)
    # batch statistics were used: per-channel output is standardised
    assert torch.allclose(y.mean(dim=(0, 2, 3)), torch.zeros(3), atol=1e-5)
    assert bn.track_running_stats
    bn(x)
    assert bn.num_batches_tracked.item() == 1


def test_eval_mode_bn_is_left_alone():
    bn = nn.BatchNorm2d(3).eval()
    with batchnorm_statistics_frozen(bn):
        assert bn.track_running_stats


def test_running_mode_normalises_with_running_statistics_without_updating_them():
    bn = nn.BatchNorm2d(3).train()
    bn.running_mean.fill_(2.0)
    bn.running_var.fill_(9.0)
    x = torch.randn(4, 3, 5, 5) * 3 + 2
    y = forward_within(batchnorm_running_statistics, bn, x)
    assert torch.allclose(y, (x - 2.0) / torch.sqrt(torch.tensor(9.0) + bn.eps), atol=1e-6)
    assert bn.training


def test_eval_mode_switches_every_module_and_restores_mixed_modes():
    model = nn.Sequential(nn.BatchNorm2d(3), nn.Dropout(0.5), nn.BatchNorm2d(3)).train()
    model[2].eval()
    x = torch.randn(4, 3, 5, 5)
    y = forward_within(evaluation_mode, model, x)
    assert torch.allclose(y, x / (1 + 1e-5) ** 0.5 / (1 + 1e-5) ** 0.5, atol=1e-6)  # dropout off, running stats
    assert [m.training for m in model.modules()] == [True, True, True, False]


def test_norm_modes_are_refused_by_name():
    with pytest.raises(ValueError, match="unknown normalisation mode of the inner loop 'evaluation'.*registered: batch, eval, running"):
        AdversarialStyleGenerator(norm_mode='evaluation')
    assert set(NORM_MODES) == {'batch', 'running', 'eval'}

import torch
from torch import nn

from slim_mmseg.core import batchnorm_statistics_frozen


def test_training_bn_uses_batch_stats_without_updating_buffers():
    bn = nn.BatchNorm2d(3).train()
    x = torch.randn(4, 3, 5, 5) * 3 + 2
    state = {k: v.clone() for k, v in bn.state_dict().items()}
    with batchnorm_statistics_frozen(bn):
        y = bn(x)
    for k, v in bn.state_dict().items():
        assert torch.equal(v, state[k]), k
    # batch statistics were used: per-channel output is standardised
    assert torch.allclose(y.mean(dim=(0, 2, 3)), torch.zeros(3), atol=1e-5)
    assert bn.track_running_stats
    bn(x)
    assert bn.num_batches_tracked.item() == 1


def test_eval_mode_bn_is_left_alone():
    bn = nn.BatchNorm2d(3).eval()
    with batchnorm_statistics_frozen(bn):
        assert bn.track_running_stats

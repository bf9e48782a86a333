import pytest
import torch

from slim_mmseg.models.backbones import WideResNet


def test_wrn_40_2_shapes_stage_names_and_size():
    backbone = WideResNet(depth=40, widen_factor=2)
    with torch.no_grad():
        (features, ) = backbone(torch.randn(2, 3, 32, 32))
    assert features.shape == (2, 128, 8, 8)
    assert (features >= 0).all()  # the final BN-ReLU is applied
    assert [len(getattr(backbone, f'layer{i}')) for i in (1, 2, 3)] == [6, 6, 6]
    # conv weights of WRN-40-2 (without the classifier): 2.24M parameters in the paper's count
    num_params = sum(p.numel() for p in backbone.parameters())
    assert 2.2e6 < num_params < 2.3e6


def test_every_parameter_gets_a_finite_gradient():
    backbone = WideResNet(depth=10, widen_factor=1)
    backbone.init_weights()
    backbone(torch.randn(4, 3, 16, 16))[0].square().mean().backward()
    for name, param in backbone.named_parameters():
        assert param.grad is not None and torch.isfinite(param.grad).all(), name
        assert param.grad.abs().sum() > 0, name


def test_invalid_depth_is_refused():
    with pytest.raises(ValueError, match='6n \\+ 4'):
        WideResNet(depth=20)

"""ResNet-18 (MART, post-activation), PreActResNet-18 (AWP) and WRN-34-10 (TRADES) shapes, stage
names (the SLIM candidate layers) and sizes."""
import pytest
import torch

import slim_mmseg.openmmlab  # noqa: F401  (registration)
from mmseg.registry import MODELS
from slim_mmseg.models.backbones import CIFARResNet, PreActResNet, WideResNet


def stage_shapes(backbone, images):
    shapes = {}
    hooks = [getattr(backbone, name).register_forward_hook(
        lambda module, args, output, name=name: shapes.__setitem__(name, tuple(output.shape)))
        for name in ('layer1', 'layer2', 'layer3', 'layer4') if hasattr(backbone, name)]
    with torch.no_grad():
        (output, ) = backbone(images)
    for hook in hooks:
        hook.remove()
    return output, shapes


@pytest.mark.parametrize('backbone_type', ['CIFARResNet', 'PreActResNet'])
def test_resnet18_variants_shapes_and_size(backbone_type):
    backbone = MODELS.build(dict(type=backbone_type))
    output, shapes = stage_shapes(backbone, torch.randn(2, 3, 32, 32))
    assert shapes == {'layer1': (2, 64, 32, 32), 'layer2': (2, 128, 16, 16),
                      'layer3': (2, 256, 8, 8), 'layer4': (2, 512, 4, 4)}
    assert output.shape == (2, 512, 4, 4) and (output >= 0).all()
    # counted on the references (MART resnet.py ResNet18: 11,173,962 with the 512x10 linear layer, 5130)
    # AWP PreActResNet-18: 11,172,170 (no BN on the shortcuts, one final BN instead of the stem's)
    expected = {'CIFARResNet': 11_173_962 - 5130, 'PreActResNet': 11_172_170 - 5130}[backbone_type]
    assert sum(p.numel() for p in backbone.parameters()) == expected


def test_post_activation_and_pre_activation_blocks_differ_as_in_the_references():
    post, pre = CIFARResNet(), PreActResNet()
    assert isinstance(post.layer2[0].shortcut[1], torch.nn.BatchNorm2d)      # 1x1 conv + BN
    assert isinstance(pre.layer2[0].shortcut, torch.nn.Conv2d)               # 1x1 conv only
    assert hasattr(post, 'bn1') and not hasattr(pre, 'bn1') and hasattr(pre, 'bn')


def test_grayscale_small_variant_and_bad_blocks():
    output, shapes = stage_shapes(CIFARResNet(blocks=(1, 1, 1, 1), in_channels=1, base_width=8),
                                  torch.randn(2, 1, 28, 28))
    assert output.shape == (2, 64, 4, 4) and shapes['layer1'] == (2, 8, 28, 28)
    with pytest.raises(ValueError, match='four stages'):
        CIFARResNet(blocks=(2, 2, 2))
    with pytest.raises(ValueError, match='four stages'):
        PreActResNet(blocks=(2, 0, 2, 2))


@pytest.mark.parametrize('backbone_type', ['CIFARResNet', 'PreActResNet'])
def test_every_parameter_gets_a_finite_gradient(backbone_type):
    backbone = MODELS.build(dict(type=backbone_type, blocks=(1, 1, 1, 1), base_width=8))
    backbone(torch.randn(4, 3, 16, 16))[0].square().mean().backward()
    for name, param in backbone.named_parameters():
        assert param.grad is not None and torch.isfinite(param.grad).all(), name
        assert param.grad.abs().sum() > 0, name


def test_wrn_34_10_is_trades_network():
    """TRADES' models/wideresnet.py WRN-34-10 without its unused ``sub_block1``: 5 pre-activation
    blocks per stage, widths 160/320/640, 46.16M parameters without the 640x10 classifier."""
    backbone = WideResNet(depth=34, widen_factor=10, init_cfg=None)
    assert [len(getattr(backbone, f'layer{i}')) for i in (1, 2, 3)] == [5, 5, 5]
    assert sum(p.numel() for p in backbone.parameters()) == 46_160_474 - 6410
    output, shapes = stage_shapes(backbone, torch.randn(1, 3, 32, 32))
    assert shapes == {'layer1': (1, 160, 32, 32), 'layer2': (1, 320, 16, 16), 'layer3': (1, 640, 8, 8)}
    assert output.shape == (1, 640, 8, 8)

"""DeepLab v2 head: logits shape, receptive field of the dilated branches, and the full R101
model (stride 8) learning end to end on a CPU."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.structures import PixelData

import slim_mmseg.openmmlab  # noqa: F401  (registers DeepLabV2Head)
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from mmseg.utils import register_all_modules

register_all_modules(init_default_scope=True)

REPO = Path(__file__).resolve().parents[2]


def build_head(dilations=(6, 12, 18, 24), in_channels=4, num_classes=3):
    head = MODELS.build(dict(
        type='DeepLabV2Head', in_channels=in_channels, in_index=0, dilations=dilations,
        num_classes=num_classes))
    head.init_weights()
    return head


def influence_offsets(head, size=65):
    """Offsets (dy, dx) from an output pixel at which the input changes that pixel's logits."""
    feature = torch.zeros(1, head.in_channels, size, size, requires_grad=True)
    centre = size // 2
    head([feature])[0, :, centre, centre].sum().backward()
    nonzero = feature.grad.abs().sum(dim=(0, 1)).nonzero()
    return {(int(y) - centre, int(x) - centre) for y, x in nonzero}


def test_logits_have_one_channel_per_class_at_feature_resolution():
    head = build_head(num_classes=5)
    logits = head([torch.randn(2, 4, 9, 13)])
    assert logits.shape == (2, 5, 9, 13)


def test_logits_are_the_sum_of_the_branches():
    head = build_head(dilations=(6, 12))
    feature = torch.randn(1, 4, 20, 20)
    expected = head.aspp_branches[0](feature) + head.aspp_branches[1](feature)
    torch.testing.assert_close(head([feature]), expected)


@pytest.mark.parametrize('dilations', [(6, ), (6, 12, 18, 24)])
def test_receptive_field_is_the_3x3_lattice_of_each_dilation(dilations):
    # The original weights are drawn N(0, 0.01); no tap is zero, so every lattice point shows.
    offsets = influence_offsets(build_head(dilations=dilations))
    expected = {(sy * d, sx * d) for d in dilations for sy in (-1, 0, 1) for sx in (-1, 0, 1)}
    assert offsets == expected
    assert max(abs(dy) for dy, _ in offsets) == max(dilations)


def test_impulse_reaches_24_pixels_only_through_the_widest_branch():
    narrow = influence_offsets(build_head(dilations=(6, 12, 18)))
    wide = influence_offsets(build_head(dilations=(6, 12, 18, 24)))
    assert max(abs(dx) for _, dx in narrow) == 18
    assert (0, 24) in wide and (0, 24) not in narrow


def test_has_no_unused_classifier_and_rejects_channels():
    head = build_head()
    assert not hasattr(head, 'conv_seg')
    with pytest.raises(TypeError, match='channels'):
        MODELS.build(dict(type='DeepLabV2Head', in_channels=4, channels=8, num_classes=3))


def test_deeplabv2_r101_stride8_every_parameter_gets_a_gradient():
    cfg = Config.fromfile(str(REPO / 'configs/_base_/models/deeplabv2_r101.py'))
    cfg.model.backbone.init_cfg = None
    # Without the ImageNet weights mmseg zero-initialises each block's last BN, which would
    # block the gradient of the residual branches by construction.
    cfg.model.backbone.zero_init_residual = False
    cfg.model.backbone.norm_cfg = dict(type='BN', requires_grad=True)
    cfg.model.decode_head.num_classes = 4
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()

    inputs = torch.randn(2, 3, 40, 40)
    features = model.extract_feat(inputs)
    assert features[3].shape == (2, 2048, 5, 5)  # output stride 8
    assert model.decode_head(features).shape == (2, 4, 5, 5)

    samples = []
    for index in range(2):
        sample = SegDataSample(metainfo=dict(img_shape=(40, 40), pad_shape=(40, 40)))
        sample.gt_sem_seg = PixelData(data=torch.randint(0, 4, (1, 40, 40)) if index else
                                      torch.full((1, 40, 40), 255))
        samples.append(sample)
    samples[1].gt_sem_seg.data[0, :4, :4] = 255  # ignored pixels mix with labelled ones
    losses = model.loss(inputs, samples)
    assert torch.isfinite(losses['decode.loss_ce'])
    losses['decode.loss_ce'].backward()
    missing = [name for name, p in model.named_parameters()
               if p.requires_grad and (p.grad is None or not p.grad.abs().sum() > 0)]
    assert missing == []

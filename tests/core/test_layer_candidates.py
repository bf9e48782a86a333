"""``layers='all'``: every intermediate layer, resolved on real models (the project's CIFAR
ResNet-18 classifier, mmseg's ResNet-18 in a classifier and in a DeepLab v3+ segmentor, mmseg's
MiT-b0 SegFormer, the plain SmallConvNet), each name running in a forward pass."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmseg.registry import MODELS
from mmseg.utils import register_all_modules
from torch import nn

import slim_mmseg.openmmlab  # noqa: F401
from slim_mmseg.core import capture_output
from slim_mmseg.core.layer_candidates import all_intermediate_layers, resolve_slim_layers

register_all_modules(init_default_scope=True)
MMSEG_CONFIGS = Path(__import__('mmseg').__file__).parent / '.mim' / 'configs'


def classifier(backbone, in_channels, num_classes=10):
    return MODELS.build(dict(type='ImageClassifier', backbone=backbone, in_channels=in_channels,
                             num_classes=num_classes)).eval()


def features_seen(model, names, forward):
    """Which of ``names`` produced an output during ``forward()``."""
    seen = []
    for name in names:
        with torch.no_grad(), capture_output(model.get_submodule(name)) as captured:
            forward()
        seen.append(captured.value is not None)
    return seen


def test_cifar_resnet18_gives_stem_eight_blocks_and_the_pooled_feature():
    model = classifier(dict(type='CIFARResNet', blocks=(2, 2, 2, 2), base_width=4), 32)
    names = resolve_slim_layers(model, 'all')
    assert names == (['backbone.bn1']
                     + [f'backbone.layer{s}.{b}' for s in range(1, 5) for b in range(2)]
                     + ['pool'])
    assert all(features_seen(model, names, lambda: model(torch.rand(2, 3, 32, 32))))
    assert 'head' not in names


def test_mmseg_resnet18_classifier_takes_the_stem_after_max_pooling():
    model = classifier(dict(type='ResNet', depth=18, base_channels=8, init_cfg=None), 64)
    names = all_intermediate_layers(model)
    assert names == (['backbone.maxpool']
                     + [f'backbone.layer{s}.{b}' for s in range(1, 5) for b in range(2)] + ['pool'])
    assert all(features_seen(model, names, lambda: model(torch.rand(2, 3, 64, 64))))


def test_deeplabv3plus_adds_decode_head_conv_modules_but_not_the_classifier_or_auxiliary_head():
    cfg = Config.fromfile(str(Path(__file__).resolve().parents[2] / 'configs/_base_/models/deeplabv3plus_r50.py'))
    model_cfg = cfg.model
    model_cfg.backbone.update(depth=18, init_cfg=None, norm_cfg=dict(type='BN', requires_grad=True))
    model_cfg.decode_head.update(in_channels=512, channels=16, c1_in_channels=64, c1_channels=8,
                                 norm_cfg=dict(type='BN', requires_grad=True))
    model_cfg.auxiliary_head.update(in_channels=256, channels=8, norm_cfg=dict(type='BN', requires_grad=True))
    model = MODELS.build(model_cfg).eval()
    names = all_intermediate_layers(model)
    head = [n for n in names if n.startswith('decode_head.')]
    assert head == ['decode_head.image_pool.1', 'decode_head.aspp_modules.0', 'decode_head.aspp_modules.1',
                    'decode_head.aspp_modules.2', 'decode_head.aspp_modules.3', 'decode_head.bottleneck',
                    'decode_head.c1_bottleneck', 'decode_head.sep_bottleneck.0', 'decode_head.sep_bottleneck.1']
    assert names[0] == 'backbone.maxpool' and 'backbone.layer4.1' in names
    assert not any(n.startswith('auxiliary_head') or n.endswith('conv_seg') for n in names)
    assert 'neck' not in names and 'pool' not in names
    assert all(features_seen(model, names, lambda: model(torch.rand(1, 3, 64, 64), mode='tensor')))


def test_mit_b0_segformer_gives_patch_embedding_eight_encoder_layers_and_the_head():
    cfg = Config.fromfile(str(MMSEG_CONFIGS / '_base_/models/segformer_mit-b0.py'))
    cfg.model.pop('pretrained', None)
    cfg.model.backbone.init_cfg = None  # random initialisation, nothing downloaded
    cfg.model.decode_head.norm_cfg = dict(type='BN', requires_grad=True)
    cfg.model.data_preprocessor = dict(type='SegDataPreProcessor')
    model = MODELS.build(cfg.model).eval()
    names = resolve_slim_layers(model, 'all')
    assert names == (['backbone.layers.0.0']
                     + [f'backbone.layers.{s}.1.{b}' for s in range(4) for b in range(2)]
                     + [f'decode_head.convs.{i}' for i in range(4)] + ['decode_head.fusion_conv'])
    assert all(features_seen(model, names, lambda: model(torch.rand(1, 3, 64, 64), mode='tensor')))


def test_plain_stages_stand_in_for_blocks_and_the_resolution_is_logged():
    model = classifier(dict(type='SmallConvNet', channels=(4, 8, 8), in_channels=1), 8)
    lines = []
    names = resolve_slim_layers(model, 'all', log=lines.append)
    assert names == ['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'pool']
    assert lines == ["SLIM layers='all' resolved to 4 layers of ImageClassifier: "
                     'backbone.layer1, backbone.layer2, backbone.layer3, pool']


def test_an_explicit_list_is_returned_as_given_and_checked():
    model = classifier(dict(type='SmallConvNet', channels=(4, 8, 8), in_channels=1), 8)
    assert resolve_slim_layers(model, ('backbone.layer2', 'pool')) == ['backbone.layer2', 'pool']
    with pytest.raises(ValueError, match="unknown SLIM layer 'backbone.layer9'"):
        resolve_slim_layers(model, ['backbone.layer9'])


def test_nothing_to_resolve_names_the_model_and_a_wrong_string_names_the_choices():
    class Flat(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(4, 2)

    with pytest.raises(ValueError, match=r"layers='all' found no intermediate layer in Flat"):
        resolve_slim_layers(Flat(), 'all')
    with pytest.raises(ValueError, match=r"list of module names or 'all', got 'every'"):
        resolve_slim_layers(Flat(), 'every')


@pytest.mark.parametrize('backbone,channels,stem,blocks', [
    (dict(type='PreActResNet', blocks=(1, 1, 1, 1), base_width=4), 32, 'backbone.conv1', 4),
    (dict(type='WideResNet', depth=10, widen_factor=1), 64, 'backbone.conv1', 3),
], ids=['PreActResNet', 'WideResNet'])
def test_pre_activation_networks_start_at_the_stem_convolution(backbone, channels, stem, blocks):
    model = classifier(backbone, channels)
    names = all_intermediate_layers(model)
    assert names[0] == stem and names[-1] == 'pool' and len(names) == 1 + blocks + 1
    assert all(features_seen(model, names, lambda: model(torch.rand(2, 3, 32, 32))))

"""Style modules hooked at named positions: channels from the probe, errors that name the fix."""
import pytest
import torch
from tiny_segmenter import tiny_batch, tiny_model
from torch import nn

from slim_mmseg.core.style_modules import ASA, STYLE_MODULES, MixStyle, StyleAugmentation


def build(model, positions, type='MixStyle', **kwargs):
    images, _ = tiny_batch()
    return StyleAugmentation(model, positions, type, run_probe=lambda: model(images), **kwargs)


def test_modules_take_the_probed_channels_and_act_on_the_position_outputs():
    model = tiny_model()
    augmentation = build(model, ['backbone.stem', 'backbone.layer2'], p=1.0, seed=0)
    assert [type(m) for _, m in augmentation.items()] == [MixStyle, MixStyle]
    assert augmentation.module_at('backbone.layer2').channels == 8
    assert augmentation.order == {'backbone.stem': 0, 'backbone.layer2': 1}
    images, _ = tiny_batch()
    with augmentation.tracing() as trace:
        styled = model(images)
    assert trace == ['backbone.stem', 'backbone.layer2']
    with augmentation.disabled():
        plain = model(images)
    assert not torch.allclose(styled, plain)
    augmentation.eval()
    assert torch.equal(model(images), plain)  # identity in eval mode


def test_probe_changes_no_parameter_or_buffer():
    model = tiny_model()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    build(model, ['backbone.layer1'])
    assert model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_unknown_position_lists_close_matches():
    with pytest.raises(ValueError, match=r"unknown style position or SLIM layer 'backbone.layr1'.*"
                                         r"Did you mean: backbone.layer1"):
        build(tiny_model(), ['backbone.layr1'])


def test_non_feature_map_position_is_named():
    class Flat(nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone = nn.Sequential(nn.Conv2d(3, 4, 1), nn.Flatten())

        def forward(self, x):
            return self.backbone(x)

    model = Flat()
    with pytest.raises(ValueError, match=r"'backbone.1' outputs \(4, 1024\), not an \(N, C, H, W\)"):
        StyleAugmentation(model, ['backbone.1'], 'DSU', run_probe=lambda: model(torch.zeros(4, 3, 16, 16)))


def test_position_outside_the_forward_path_and_repeats_are_refused():
    model = tiny_model()
    model.unused = nn.Conv2d(3, 3, 1)
    with pytest.raises(ValueError, match=r"\['unused'\] did not run"):
        build(model, ['unused'])
    with pytest.raises(ValueError, match='repeat'):
        build(model, ['backbone.stem', 'backbone.stem'])
    with pytest.raises(KeyError, match="unknown style module 'Mix'; registered: ASA, DSU, MixStyle, pAdaIN"):
        build(model, ['backbone.stem'], type='Mix')
    with pytest.raises(KeyError, match=r"unknown style module 'dsu' \(did you mean 'DSU'\?\)"):
        build(model, ['backbone.stem'], type='dsu')


@pytest.fixture
def registered_identity():
    STYLE_MODULES.register('Identity', nn.Identity)
    yield 'Identity'
    STYLE_MODULES.unregister('Identity')


def test_a_registered_entry_that_is_not_a_style_module_is_refused(registered_identity):
    with pytest.raises(TypeError, match="'Identity' is registered as .*not a StyleModule subclass"):
        build(tiny_model(), ['backbone.stem'], type=registered_identity)


def test_modules_get_distinct_seeds_and_state_round_trips():
    model = tiny_model()
    augmentation = build(model, ['backbone.stem', 'backbone.layer1'], type='ASA', seed=7)
    first, second = (m for _, m in augmentation.items())
    assert not torch.equal(first.noise.get_state(), second.noise.get_state())
    assert not torch.equal(first.decisions.get_state(), second.decisions.get_state())
    assert isinstance(first, ASA) and first.channels == 8
    copy = build(tiny_model(), ['backbone.stem', 'backbone.layer1'], type='ASA', seed=0)
    copy.load_state_dict(augmentation.state_dict())
    assert torch.equal(copy.module_at('backbone.layer1').noise.get_state(), second.noise.get_state())
    assert torch.equal(copy.module_at('backbone.layer1').decisions.get_state(), second.decisions.get_state())


def test_wildcard_positions_expand_in_definition_order():
    model = tiny_model()
    augmentation = build(model, ['backbone.*.0'])
    assert augmentation.positions == ('backbone.stem.0', 'backbone.layer1.0', 'backbone.layer2.0')
    with pytest.raises(ValueError, match=r"pattern 'backbone\.\*conv\*' matches no module"):
        build(model, ['backbone.*conv*'])
    with pytest.raises(TypeError, match='list of module names'):
        build(model, 'backbone.stem')


def test_hooks_can_be_removed_and_attached_again():
    model = tiny_model()
    augmentation = build(model, ['backbone.layer1'], p=1.0)
    augmentation.train()
    model.eval()
    x, _ = tiny_batch()
    augmentation.remove_hooks()
    assert not model.backbone.layer1._forward_hooks
    plain = model(x)
    augmentation.attach_hooks(model)
    assert len(model.backbone.layer1._forward_hooks) == 1
    with pytest.raises(RuntimeError, match='remove_hooks'):
        augmentation.attach_hooks(model)
    assert not torch.allclose(model(x), plain)  # the module acts again

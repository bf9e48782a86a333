"""SLIM routed into ASA's control factors: weights see ASA's gradients exactly, the factors more."""
import pytest
import torch
import torch.nn.functional as F
from tiny_segmenter import tiny_batch, tiny_model

from slim_mmseg.core import SLIMSampler
from slim_mmseg.core.style_modules import SLIMControlFactors, StyleAugmentation

POSITIONS = ['backbone.stem', 'backbone.layer1']


def setup(branch_probabilities=(0.0, 1.0, 0.0), layers=('backbone.layer1', 'backbone.layer2')):
    model = tiny_model()
    images, _ = tiny_batch()
    augmentation = StyleAugmentation(model, POSITIONS, 'ASA', run_probe=lambda: model(images), watch=layers,
                                     seed=0, branch_probabilities=branch_probabilities)
    slim = SLIMControlFactors(model, augmentation, SLIMSampler(layers, seed=0))
    return model, augmentation, slim


def step(model, augmentation, slim=None):
    """One training step's gradients (weights and factors), as the StyleAugmented wrapper takes it."""
    images, labels = tiny_batch()
    draw = slim.draw() if slim else None
    clean = slim.clean_reference(draw.layer, lambda: model(images)) if slim else None
    if slim:
        with slim.adversarial_capture(draw.layer) as record:
            loss = F.cross_entropy(model(images), labels)
        gradients = slim.control_gradients(draw, clean, record)
    else:
        loss = F.cross_entropy(model(images), labels)
    loss.backward()
    if slim:
        slim.add_control_gradients(gradients)
    return ({n: p.grad.clone() for n, p in model.named_parameters()},
            [p.grad.clone() for p in augmentation.parameters()])


def test_weight_gradients_are_bit_identical_to_asa_and_factor_gradients_differ():
    asa_weights, asa_factors = step(*setup()[:2])
    model, augmentation, slim = setup()
    slim_weights, slim_factors = step(model, augmentation, slim)
    assert all(torch.equal(asa_weights[n], slim_weights[n]) for n in asa_weights)
    assert slim.applied == 1 and slim.skipped == 0
    assert any(not torch.equal(a, b) for a, b in zip(asa_factors, slim_factors))


def test_clean_reference_changes_no_buffer_or_random_stream_and_stops_at_the_layer():
    model, augmentation, slim = setup()
    images, _ = tiny_batch()
    buffers = {k: v.clone() for k, v in model.state_dict().items()}
    streams = [{k: v.clone() for k, v in m.streams.state_dict().items()} for _, m in augmentation.items()]
    global_state = torch.get_rng_state()
    head_calls = []
    model.head.register_forward_hook(lambda *_: head_calls.append(1))
    feature = slim.clean_reference('backbone.layer1', lambda: model(images))
    assert feature.shape == (4, 8, 16, 16) and not feature.requires_grad
    assert head_calls == []
    assert all(torch.equal(buffers[k], v) for k, v in model.state_dict().items())
    assert all(all(torch.equal(v, m.streams.state_dict()[k]) for k, v in s.items())
               for s, (_, m) in zip(streams, augmentation.items()))
    assert torch.equal(global_state, torch.get_rng_state())
    with augmentation.disabled():
        expected = model.backbone.layer1(model.backbone.stem(images))
    assert torch.allclose(feature, expected)


def test_draw_without_an_active_upstream_module_is_skipped_and_counted():
    model, augmentation, slim = setup(branch_probabilities=(1.0, 0.0, 0.0))
    _, factors = step(model, augmentation, slim)
    assert slim.skipped == 1 and slim.applied == 0
    assert all(g.abs().sum() == 0 for g in factors)


def test_layer_upstream_of_every_position_is_refused_at_build_time():
    model = tiny_model()
    images, _ = tiny_batch()
    augmentation = StyleAugmentation(model, ['backbone.layer1'], 'ASA', run_probe=lambda: model(images),
                                     watch=['backbone.stem'])
    with pytest.raises(ValueError, match="'backbone.stem' runs before every style position"):
        SLIMControlFactors(model, augmentation, SLIMSampler(['backbone.stem']))
    dsu = StyleAugmentation(model, ['backbone.stem'], 'DSU', run_probe=lambda: model(images))
    with pytest.raises(ValueError, match="type 'DSU' has none"):
        SLIMControlFactors(model, dsu, SLIMSampler(['backbone.layer1']))

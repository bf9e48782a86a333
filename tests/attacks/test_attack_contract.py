"""The contract every registered attack keeps (one test per property, parametrised over attacks)."""
import pytest
import torch
from digits_model import InputIgnoringNet

from slim_mmseg.attacks import (ATTACKS, LAFEATHeads, build_attack, predicted_correct, train_lafeat_heads)

# Fast settings: the contract does not depend on the number of iterations.
FAST_OPTIONS = {
    'clean': {},
    'pgd20': {},
    'autoattack': dict(version='custom', attacks=['apgd-ce']),
    'lafeat': dict(steps=5, betas=(0.0, 0.5)),
    'ssa': dict(feature_layer='pool', steps=10),
    'ssah': dict(feature_layer='pool', steps=10),
}
EPS = 16 / 255


def make_attack(name, model, train_images):
    options = dict(FAST_OPTIONS[name])
    if name == 'lafeat':
        heads = LAFEATHeads.for_model(model, ['block1', 'block2'], train_images)
        train_lafeat_heads(model, heads, train_images, epochs=3)
        options['heads'] = heads
    return build_attack(name, model, eps=EPS, **options)


def test_every_registered_attack_is_covered():
    assert sorted(FAST_OPTIONS) == list(ATTACKS.names())


@pytest.mark.parametrize('name', ATTACKS.names())
def test_ball_range_state_and_determinism(name, digits):
    model, train, test = digits
    images, labels = test[0][:24], test[1][:24]
    attack = make_attack(name, model, train[0][:300])
    model.train()
    model.block1.eval()                     # a mixed-mode model keeps its per-module modes
    modes = {n: m.training for n, m in model.named_modules()}
    state = {k: v.clone() for k, v in model.state_dict().items()}

    adversarial = attack(images, labels)

    assert adversarial.shape == images.shape and not adversarial.requires_grad
    assert adversarial.min() >= 0 and adversarial.max() <= 1
    if attack.eps is not None:
        assert (adversarial - images).abs().max() <= attack.eps + 1e-6
    assert {n: m.training for n, m in model.named_modules()} == modes
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())
    assert all(p.grad is None and p.requires_grad for p in model.parameters())
    assert torch.equal(attack(images, labels), adversarial)


@pytest.mark.parametrize('name', ATTACKS.names())
def test_model_that_ignores_its_input_keeps_its_accuracy(name, digits):
    _, train, test = digits
    torch.manual_seed(1)
    model = InputIgnoringNet().eval()
    images, labels = test[0][:24], test[1][:24]
    attack = make_attack(name, model, train[0][:300])
    clean = predicted_correct(model, images, labels)
    assert torch.equal(predicted_correct(model, attack(images, labels), labels), clean)


@pytest.mark.parametrize('name', ATTACKS.names())
def test_images_outside_unit_range_are_refused(name, digits):
    model, train, test = digits
    attack = make_attack(name, model, train[0][:300])
    with pytest.raises(ValueError, match=r'\[0, 1\]'):
        attack(test[0][:4] * 255, test[1][:4])

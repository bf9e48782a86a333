"""AdversarialTraining: one contract parametrised over every objective (with and without SLIM and
AWP), the PGD attack against torchattacks', the training step, resume of the random streams and
the errors at build time."""
import copy

import pytest
import torch
import torchattacks
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmengine.structures import BaseDataElement
from torch import nn

import slim_mmseg.openmmlab  # noqa: F401  (registration)
from mmseg.registry import MODELS

EPS, STEP = 8 / 255, 2 / 255
LAYERS = ['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4']
OBJECTIVES = [dict(type='PGDAT'), dict(type='TRADES', beta=6.0), dict(type='MART', beta=5.0)]
VARIANTS = [(objective, slim) for objective in OBJECTIVES for slim in (False, True)]


def classifier_cfg():
    return dict(type='ImageClassifier', num_classes=4, in_channels=32,
                backbone=dict(type='CIFARResNet', blocks=(1, 1, 1, 1), base_width=4),
                data_preprocessor=dict(type='ImgDataPreprocessor', mean=[0.] * 3, std=[255.] * 3),
                input_mean=[0.5] * 3, input_std=[0.25] * 3)


def build(objective, slim=False, awp=None, seed=0, steps=3, eps=EPS, **attack):
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='AdversarialTraining', model=classifier_cfg(), objective=objective,
        attack=dict(eps=eps, step_size=STEP, steps=steps, **attack),
        slim=dict(layers=LAYERS, lambda_range=(0.5, 0.5)) if slim is True else (slim or None),
        awp=awp, seed=seed))


def batch(count=6):
    generator = torch.Generator().manual_seed(3)
    images = torch.rand(count, 3, 8, 8, generator=generator)
    return images, torch.arange(count) % 4


def raw_batch(count=6):
    images, labels = batch(count)
    return dict(inputs=[(255 * image).round().to(torch.uint8) for image in images],
                data_samples=[BaseDataElement(gt_label=label) for label in labels])


def snapshot(model):
    return ({k: v.detach().clone() for k, v in model.state_dict().items() if torch.is_tensor(v)},
            [None if p.grad is None else p.grad.clone() for p in model.parameters()])


def attack_loss(model, adversarial, images, labels):
    """The objective's attack loss at ``adversarial``, in float64 (TRADES' KL near x is below
    float32 resolution on an untrained network), model in evaluation mode."""
    network = copy.deepcopy(model.model).double().eval()
    with torch.no_grad():
        clean = network(images.double(), mode='tensor')
        return model.objective.attack_loss(network(adversarial.double(), mode='tensor'), labels, clean).item()


@pytest.mark.parametrize('objective,slim', VARIANTS, ids=lambda v: v['type'] if isinstance(v, dict) else f'slim={v}')
def test_attack_contract(objective, slim):
    model = build(objective, slim)
    model.model.eval()
    model.train()  # the wrapper in training mode; the attack switches to eval inside
    images, labels = batch()
    # a non-None .grad that the attack must leave alone
    for param in model.parameters():
        param.grad = torch.full_like(param, 0.5)
    before_state, before_grads = snapshot(model)
    modes = [m.training for m in model.modules()]

    result, draw = model.attack(images, labels)
    adversarial = result.inputs

    delta = adversarial - images
    assert delta.abs().max() <= EPS + 1e-6
    assert adversarial.min() >= 0 and adversarial.max() <= 1
    assert (delta.abs() > 0).any()
    assert (draw is not None) == slim
    assert attack_loss(model, adversarial, images, labels) > attack_loss(model, images, images, labels)
    after_state, after_grads = snapshot(model)
    for name in before_state:
        if not name.startswith('random_streams.'):  # the random streams advance, by design
            assert torch.equal(before_state[name], after_state[name]), name
    assert all(torch.equal(a, b) for a, b in zip(before_grads, after_grads))
    assert [m.training for m in model.modules()] == modes

    again, _ = build(objective, slim).attack(images, labels)
    assert torch.equal(again.inputs, adversarial)  # seeded: same start, same draws
    other_seed, _ = build(objective, slim, seed=1).attack(images, labels)
    assert not torch.equal(other_seed.inputs, adversarial)


@pytest.mark.parametrize('objective,slim', VARIANTS, ids=lambda v: v['type'] if isinstance(v, dict) else f'slim={v}')
def test_training_step_gives_every_parameter_a_finite_gradient(objective, slim):
    model = build(objective, slim)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    captured = {}
    optimizer.register_step_pre_hook(lambda opt, args, kwargs: captured.update(
        {id(p): p.grad.clone() for p in model.parameters() if p.grad is not None}))
    log_vars = model.train_step(raw_batch(), OptimWrapper(optimizer))
    for name, param in model.named_parameters():
        assert id(param) in captured, name
        assert torch.isfinite(captured[id(param)]).all() and captured[id(param)].abs().sum() > 0, name
    assert torch.isfinite(log_vars['loss'])
    assert log_vars['awp_active'] == 0
    assert ('slim_lambda' in log_vars) == slim
    if slim:
        assert log_vars['slim_lambda'].item() == pytest.approx(0.5)
        drawn = [log_vars[f'slim_layer/{layer}'].item() for layer in LAYERS]
        assert sorted(drawn) == [0.0] * (len(LAYERS) - 1) + [1.0]  # one-hot: a real draw
        assert sum(log_vars[f'slim_loss/{loss}'].item() for loss in ('mse', 'ortho', 'reverse')) == 1.0


def test_pgd_equals_torchattacks_pgd_from_the_same_start():
    model = build(dict(type='PGDAT'), steps=5, random_start='none')
    images, labels = batch()
    ours, _ = model.attack(images, labels)

    class Logits(nn.Module):
        def __init__(self, classifier):
            super().__init__()
            self.classifier = classifier

        def forward(self, x):
            return self.classifier(x, mode='tensor')

    reference = torchattacks.PGD(Logits(model.model), eps=EPS, alpha=STEP, steps=5, random_start=False)
    torch.testing.assert_close(ours.inputs, reference(images, labels), rtol=0, atol=1e-7)


def test_slim_changes_the_attack_but_not_the_weight_gradient_formula(monkeypatch):
    images, labels = batch()
    plain, slim = build(dict(type='TRADES')), build(dict(type='TRADES'), slim=dict(layers=LAYERS, lambda_range=(1.0, 1.0)))
    plain_result, _ = plain.attack(images, labels)
    slim_result, _ = slim.attack(images, labels)
    assert not torch.equal(plain_result.inputs, slim_result.inputs)

    # Given the same x_adv, both update the weights identically: SLIM only acts inside the attack.
    for model in (plain, slim):
        monkeypatch.setattr(model, 'attack', lambda inputs, labels, measure=False, fixed=slim_result, draw=None: (fixed, draw))
    updated = []
    for model in (plain, slim):
        model.train_step(raw_batch(), OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1)))
        updated.append(model.model.state_dict())
    for name in updated[0]:
        assert torch.equal(updated[0][name], updated[1][name]), name


def test_awp_is_applied_after_warmup_and_removed_after_the_step(monkeypatch):
    hub = MessageHub.get_current_instance()
    model = build(dict(type='PGDAT'), awp=dict(gamma=0.01, warmup_epochs=1))
    hub.update_info('epoch', 0)
    assert model.train_step(raw_batch(), OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.0)))['awp_active'] == 0
    hub.update_info('epoch', 1)
    before = copy.deepcopy(model.model.state_dict())
    seen = []
    original_update = OptimWrapper.update_params

    def record_weights(self, loss, **kwargs):  # the weights the outer loss is computed at
        seen.append(model.model.head.weight.detach().clone())
        return original_update(self, loss, **kwargs)

    monkeypatch.setattr(OptimWrapper, 'update_params', record_weights)
    log_vars = model.train_step(raw_batch(), OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.0)))
    hub.update_info('epoch', 0)
    assert log_vars['awp_active'] == 1
    shift = seen[0] - before['head.weight']
    assert shift.norm().item() == pytest.approx(0.01 * before['head.weight'].norm().item(), rel=1e-4)
    for name, value in model.model.state_dict().items():  # lr 0: exactly the weights before
        if value.is_floating_point() and 'running' not in name:
            assert torch.equal(value, before[name]), name


def test_random_streams_resume_from_the_state_dict():
    images, labels = batch()
    model = build(dict(type='PGDAT'), slim=True)
    model.attack(images, labels)
    state = copy.deepcopy(model.state_dict())
    assert any(key.startswith('random_streams.slim') for key in state)
    expected, expected_draw = model.attack(images, labels)

    resumed = build(dict(type='PGDAT'), slim=True, seed=123)
    resumed.load_state_dict(state)
    result, draw = resumed.attack(images, labels)
    assert torch.equal(result.inputs, expected.inputs) and draw == expected_draw


def test_inputs_outside_the_unit_range_are_refused():
    model = build(dict(type='PGDAT'))
    model.model.data_preprocessor = MODELS.build(dict(type='ImgDataPreprocessor', mean=[0.] * 3, std=[1.] * 3))
    model.data_preprocessor = model.model.data_preprocessor
    with pytest.raises(ValueError, match=r'\[0, 1\].*mean 0.*std 255'):
        model.train_step(raw_batch(), OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1)))


@pytest.mark.parametrize('kwargs,message', [
    (dict(objective=dict(type='FGSM')), 'MART, PGDAT, TRADES'),
    (dict(objective=dict(type='PGDAT'), eps=-0.1), 'eps must be >= 0'),
    (dict(objective=dict(type='PGDAT'), steps=0), 'steps must be >= 1'),
    (dict(objective=dict(type='PGDAT'), eps=8), r'8/255'),
    (dict(objective=dict(type='PGDAT'), slim=dict(layers=['backbone.layer9'])), 'backbone.layer1'),
    (dict(objective=dict(type='PGDAT'), slim=dict(layers=['backbone.layer1'], losses=['l7'])), 'mse'),
    (dict(objective=dict(type='PGDAT'), awp=dict(gamma=-1)), 'gamma'),
])
def test_bad_configuration_fails_at_build_time_naming_valid_choices(kwargs, message):
    with pytest.raises((ValueError, KeyError), match=message):
        build(**kwargs)


def test_a_non_finite_attack_step_is_counted_and_logged(monkeypatch):
    model = build(dict(type='PGDAT'))
    monkeypatch.setattr(model.objective, 'attack_loss', lambda logits, labels, clean=None: logits.sum() * float('nan'))
    log_vars = model.train_step(raw_batch(), OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1)))
    assert log_vars['nonfinite_steps'] == 1 and model.nonfinite_steps == 1
    assert torch.isfinite(log_vars['loss'])  # trained on the last finite x_adv (the random start)
    # the running count is a buffer: it survives a resume
    resumed = build(dict(type='PGDAT'))
    resumed.load_state_dict(model.state_dict())
    assert resumed.nonfinite_steps == 1


@pytest.mark.parametrize('objective,clean_head_calls', [('PGDAT', 0), ('MART', 0), ('TRADES', 1)])
def test_the_clean_reference_pass_stops_at_the_slim_layer_unless_the_attack_needs_clean_logits(
        objective, clean_head_calls):
    model = build(dict(type=objective), slim=dict(layers=['backbone.layer1'], lambda_range=(1.0, 1.0)), steps=2)
    calls, layer_calls = [], []
    model.model.head.register_forward_hook(lambda *_: calls.append(1))
    model.model.backbone.layer1.register_forward_hook(lambda *_: layer_calls.append(1))
    images, labels = batch()
    model.attack(images, labels)
    assert len(calls) == clean_head_calls + 2  # the clean pass (if it runs to the end), two ascent steps
    assert len(layer_calls) == 1 + 2

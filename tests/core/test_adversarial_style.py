import pytest
import torch
import torch.nn.functional as F

from slim_mmseg.core import (INPUT, AdversarialStyleGenerator, SLIMSampler, capture_output,
                             style_statistics)


def loss_fn(model, labels):
    return lambda x: F.cross_entropy(model(x), labels)


def run(adversary, model, images, labels):
    """The three phases, as a training step runs them."""
    draw = adversary.draw()
    with adversary.record_clean(model, images, draw) as reference:
        clean_loss = loss_fn(model, labels)(images)
    style = adversary.generate(model, images, reference, draw, loss_fn(model, labels))
    return reference, style, draw, clean_loss


def snapshot(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


@pytest.mark.parametrize('norm_mode', ['batch', 'running'])
def test_inner_loop_leaves_weights_bn_buffers_and_grads_untouched(tiny_model, tiny_batch, norm_mode):
    images, labels = tiny_batch
    adversary = AdversarialStyleGenerator([INPUT, 'backbone.layer1'], steps=3, step_size=0.1, norm_mode=norm_mode,
                                          slim=SLIMSampler(['backbone.layer1', 'backbone.layer2'], seed=0))
    draw = adversary.draw()
    with torch.no_grad(), adversary.record_clean(tiny_model, images, draw) as reference:
        tiny_model(images)
    # record_clean itself ran a normal training-mode forward; take the state after it
    before = snapshot(tiny_model)
    adversary.generate(tiny_model, images, reference, draw, loss_fn(tiny_model, labels))
    after = snapshot(tiny_model)
    for key in before:
        assert torch.equal(before[key], after[key]), key
    assert all(p.grad is None for p in tiny_model.parameters())
    assert all(module.training for module in tiny_model.modules())


def test_sign_step_moves_each_statistic_by_alpha(tiny_model, tiny_batch):
    images, labels = tiny_batch
    adversary = AdversarialStyleGenerator([INPUT], steps=1, step_size=0.05, rule='sign')
    reference, style, _, _ = run(adversary, tiny_model, images, labels)
    for clean, adv in zip(reference.statistics[INPUT], style.statistics[INPUT]):
        assert torch.allclose((adv - clean).abs(), torch.full_like(clean, 0.05), atol=1e-6)


def test_sgd_step_follows_the_gradient_and_ascends(tiny_model, tiny_batch):
    images, labels = tiny_batch
    adversary = AdversarialStyleGenerator([INPUT], steps=1, step_size=0.5, rule='sgd')
    reference, style, _, clean_loss = run(adversary, tiny_model, images, labels)
    mean, std = (s.clone().requires_grad_() for s in reference.statistics[INPUT])
    from slim_mmseg.core import restyle
    with torch.enable_grad():
        loss = loss_fn(tiny_model, labels)(restyle(images, mean, std))
    g_mean, g_std = torch.autograd.grad(loss, (mean, std))
    assert torch.allclose(style.statistics[INPUT][0], mean + 0.5 * g_mean, atol=1e-5)
    assert torch.allclose(style.statistics[INPUT][1], std + 0.5 * g_std, atol=1e-5)
    with torch.no_grad(), adversary.apply(tiny_model, images, style) as adv_images:
        adv_loss = loss_fn(tiny_model, labels)(adv_images)
    assert adv_loss > clean_loss


def test_applied_input_and_feature_have_the_adversarial_statistics(tiny_model, tiny_batch):
    images, labels = tiny_batch
    adversary = AdversarialStyleGenerator([INPUT, 'backbone.layer1'], steps=2, step_size=0.2)
    _, style, _, _ = run(adversary, tiny_model, images, labels)
    with torch.no_grad(), adversary.apply(tiny_model, images, style) as adv_images, \
            capture_output(tiny_model.backbone.layer1) as feature:
        tiny_model(adv_images)
    for position, tensor in ((INPUT, adv_images), ('backbone.layer1', feature.feature)):
        mean, std = style_statistics(tensor)
        assert torch.allclose(mean, style.statistics[position][0], atol=1e-4)
        assert torch.allclose(std, style.statistics[position][1], atol=1e-3)
    # the hooks are gone after the block
    assert not tiny_model.backbone.layer1._forward_hooks


def test_slim_term_changes_the_adversarial_statistics(tiny_model, tiny_batch):
    """With a random start the SLIM term has gradient, so it changes where the ascent goes."""
    images, labels = tiny_batch

    def adversarial_mean(slim):
        adversary = AdversarialStyleGenerator([INPUT], steps=1, step_size=0.05, random_start=0.1,
                                              seed=7, slim=slim)
        return run(adversary, tiny_model, images, labels)[1].statistics[INPUT][0]

    without = adversarial_mean(None)
    with_slim = adversarial_mean(SLIMSampler(['backbone.layer1'], losses=['mse'], lambda_range=(50.0, 50.0)))
    assert not torch.allclose(without, with_slim)


def test_slim_term_is_inert_from_the_clean_statistics(tiny_model, tiny_batch):
    """The corner the naive version gets wrong: no random start -> first step ignores SLIM."""
    images, labels = tiny_batch

    def first_step(slim):
        adversary = AdversarialStyleGenerator([INPUT], steps=2, step_size=0.05, random_start=0.0, slim=slim)
        draw = adversary.draw()
        with adversary.record_clean(tiny_model, images, draw) as reference:
            tiny_model(images)
        adversary.steps = 1
        return adversary.generate(tiny_model, images, reference, draw,
                                  loss_fn(tiny_model, labels)).statistics[INPUT][0]

    slim = SLIMSampler(['backbone.layer1'], losses=['mse'], lambda_range=(50.0, 50.0))
    assert torch.allclose(first_step(None), first_step(slim))


def test_slim_with_one_step_and_no_random_start_is_refused():
    slim = SLIMSampler(['backbone.layer1'])
    with pytest.raises(ValueError, match='zero gradient'):
        AdversarialStyleGenerator([INPUT], steps=1, random_start=0.0, slim=slim)
    assert AdversarialStyleGenerator([INPUT], slim=slim).random_start > 0
    assert AdversarialStyleGenerator([INPUT]).random_start == 0


def test_unknown_names_fail_with_valid_names(tiny_model):
    adversary = AdversarialStyleGenerator(['backbone.layer7'])
    with pytest.raises(ValueError, match=r"unknown style position 'backbone.layer7'.*backbone.layer1"):
        adversary.check_names(tiny_model)
    adversary = AdversarialStyleGenerator([INPUT], slim=SLIMSampler(['backbone.lyer2']))
    with pytest.raises(ValueError, match='Did you mean: backbone.layer2'):
        adversary.check_names(tiny_model)


def test_nonfinite_objective_is_counted_and_keeps_the_start(tiny_model, tiny_batch):
    images, labels = tiny_batch
    adversary = AdversarialStyleGenerator([INPUT], steps=2, step_size=0.1)
    with adversary.record_clean(tiny_model, images, None) as reference:
        tiny_model(images)
    style = adversary.generate(tiny_model, images, reference, None, lambda x: tiny_model(x).sum() * float('nan'))
    assert int(style.nonfinite_steps) == 1
    assert torch.equal(style.statistics[INPUT][0], reference.statistics[INPUT][0])


def test_random_start_is_seeded_and_resumable(tiny_model, tiny_batch):
    images, labels = tiny_batch
    slim = dict(layers=['backbone.layer1', 'backbone.layer2'])

    def make(seed):
        return AdversarialStyleGenerator([INPUT], step_size=0.05, seed=seed, slim=SLIMSampler(**slim, seed=seed))

    a, b = make(0), make(0)
    sa = run(a, tiny_model, images, labels)[1].statistics[INPUT][0]
    sb = run(b, tiny_model, images, labels)[1].statistics[INPUT][0]
    assert torch.equal(sa, sb)
    state = {k: v.clone() for k, v in a.state_dict().items()}
    expected = run(a, tiny_model, images, labels)
    resumed = make(42)
    resumed.load_state_dict(state)
    got = run(resumed, tiny_model, images, labels)
    assert got[2] == expected[2]
    assert torch.equal(got[1].statistics[INPUT][0], expected[1].statistics[INPUT][0])


def test_non_4d_position_is_refused(tiny_model, tiny_batch):
    images, _ = tiny_batch
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 16 * 16, 2))
    adversary = AdversarialStyleGenerator(['0'])
    with pytest.raises(TypeError, match=r"'0' must output an \(N, C, H, W\) tensor"):
        with adversary.record_clean(model, images, None):
            model(images)


def test_state_entries_are_named_per_random_stream():
    with_slim = AdversarialStyleGenerator([INPUT], slim=SLIMSampler(['backbone.layer1']))
    assert set(with_slim.state_dict()) == {'random_start._extra_state', 'slim._extra_state'}
    assert set(AdversarialStyleGenerator([INPUT]).state_dict()) == {'random_start._extra_state'}


def test_state_from_a_different_slim_setting_is_refused():
    with_slim = AdversarialStyleGenerator([INPUT], slim=SLIMSampler(['backbone.layer1']))
    with pytest.raises(RuntimeError, match=r'Unexpected key\(s\).*slim\._extra_state'):
        AdversarialStyleGenerator([INPUT]).load_state_dict(with_slim.state_dict())

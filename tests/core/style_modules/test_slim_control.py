"""SLIM routed into ASA's control factors, tested through its one call ``SLIMControlFactors.step``:
weights see ASA's gradients exactly; each factor gets its task gradient plus lambda times the
dictionary loss's gradient, computed here by hand."""
import copy

import pytest
import torch
import torch.nn.functional as F
from tiny_segmenter import tiny_batch, tiny_model

from slim_mmseg.core import SLIMSampler
from slim_mmseg.core.style_modules import SLIMControlFactors, StyleAugmentation

POSITIONS = ['backbone.stem', 'backbone.layer1']
LAYER = 'backbone.layer2'
WEIGHT = 0.6


def setup(branch_probabilities=(0.0, 1.0, 0.0), layers=(LAYER,), losses=('mse',), lambda_range=(WEIGHT, WEIGHT),
          scale='mean', draw='batch'):
    model = tiny_model()
    images, _ = tiny_batch()
    augmentation = StyleAugmentation(model, POSITIONS, 'ASA', run_probe=lambda: model(images), watch=layers,
                                     seed=0, branch_probabilities=branch_probabilities)
    sampler = SLIMSampler(layers, losses, lambda_range, seed=0, draw=draw)
    slim = SLIMControlFactors(model, augmentation, sampler, scale=scale)
    return model, augmentation, slim


def run_step(model, slim, backward=None, **options):
    images, labels = tiny_batch()

    def training_forward():
        loss = F.cross_entropy(model(images), labels)
        return loss, loss.detach()

    return slim.step(images.shape[0], lambda: model(images), training_forward,
                     backward or (lambda loss: loss.backward()), **options)


def by_hand(model, augmentation, weights=torch.tensor(WEIGHT)):
    """Weight gradients of the task loss, and the factors' task and SLIM gradients (SLIM term
    ``mean_i weights_i * mean over elements of (f_l(x~)_i - f_l(x)_i)^2``), from copies."""
    images, labels = tiny_batch()
    reference = copy.deepcopy(model)  # the clean pass: modules off, batch statistics
    with torch.no_grad(), augmentation.disabled():
        clean = reference.backbone(images)
    features = []
    hook = model.backbone.layer2.register_forward_hook(lambda m, i, o: features.append(o))
    loss = F.cross_entropy(model(images), labels)
    hook.remove()
    dictionary = (weights * ((features[0] - clean) ** 2).flatten(1).mean(1)).mean()
    factors = [f for _, m in augmentation.items() for f in m.control_factors]
    weights = [p for n, p in model.named_parameters() if 'factor' not in n]
    task = torch.autograd.grad(loss, weights + factors, retain_graph=True)
    slim = torch.autograd.grad(dictionary, factors)
    return task[:len(weights)], task[len(weights):], slim


def test_one_step_gives_weights_asas_gradients_and_factors_task_plus_slim_gradients():
    model, augmentation, slim = setup()
    expected_weights, expected_task, expected_slim = by_hand(*setup()[:2])
    step = run_step(model, slim)
    assert step.draw.layer == LAYER and not step.skipped and slim.applied == 1
    weights = [p for n, p in model.named_parameters() if 'factor' not in n]
    for param, expected in zip(weights, expected_weights):
        torch.testing.assert_close(param.grad, expected, rtol=0, atol=0)  # bit-identical to ASA's
    factors = slim.all_factors()
    for factor, task, dictionary in zip(factors, expected_task, expected_slim):
        assert dictionary.abs().sum() > 0
        torch.testing.assert_close(factor.grad, task + dictionary, rtol=1e-5, atol=1e-8)


def test_loss_scale_and_distributed_average_apply_to_the_slim_gradients():
    model, augmentation, slim = setup()
    _, expected_task, expected_slim = by_hand(*setup()[:2])
    scale, seen = 8.0, []

    def average(flat):  # stands in for the all-reduce mean: another rank's gradient was twice ours
        seen.append(flat.numel())
        flat.mul_(1.5)

    run_step(model, slim, backward=lambda loss: (scale * loss).backward(), loss_scale=scale, average=average)
    factors = slim.all_factors()
    assert seen == [sum(f.numel() for f in factors)]
    for factor, task, dictionary in zip(factors, expected_task, expected_slim):
        torch.testing.assert_close(factor.grad, scale * (task + 1.5 * dictionary), rtol=1e-5, atol=1e-7)


def test_measured_ratio_is_the_slim_to_task_gradient_norm_per_factor_tensor():
    model, augmentation, slim = setup()
    _, expected_task, expected_slim = by_hand(*setup()[:2])
    step = run_step(model, slim, backward=lambda loss: (4.0 * loss).backward(), loss_scale=4.0, measure_ratio=True)
    expected = torch.stack([s.norm() / t.norm() for t, s in zip(expected_task, expected_slim)])
    torch.testing.assert_close(step.ratio, expected, rtol=1e-5, atol=0)
    assert run_step(model, slim).ratio is None  # not measured unless asked


def test_balanced_rescales_each_factor_tensors_slim_gradient_to_lambda_times_its_task_gradient():
    model, augmentation, slim = setup(scale='balanced', lambda_range=(-WEIGHT, -WEIGHT))
    _, expected_task, expected_slim = by_hand(*setup()[:2], weights=torch.tensor(-WEIGHT))
    scale = 8.0  # an AMP loss scale: undone before the norms are compared
    step = run_step(model, slim, backward=lambda loss: (scale * loss).backward(), loss_scale=scale,
                    measure_ratio=True)
    assert int(step.zero_gradients) == 0
    for factor, task, dictionary in zip(slim.all_factors(), expected_task, expected_slim):
        contribution = factor.grad / scale - task
        assert contribution.norm().item() == pytest.approx(WEIGHT * task.norm().item(), rel=1e-5)
        # the direction (lambda's sign included) is the dictionary gradient's
        assert F.cosine_similarity(contribution.flatten(), dictionary.flatten(), dim=0).item() == pytest.approx(1, abs=1e-5)
    torch.testing.assert_close(step.ratio, torch.full_like(step.ratio, WEIGHT), rtol=1e-5, atol=0)


def test_balanced_without_an_active_module_leaves_the_task_gradient_alone():
    model, augmentation, slim = setup(scale='balanced', branch_probabilities=(1.0, 0.0, 0.0))
    step = run_step(model, slim)
    assert step.skipped and int(step.zero_gradients) == 0  # nothing reached: nothing to count
    assert all(torch.isfinite(f.grad).all() and f.grad.abs().sum() == 0 for f in slim.all_factors())


def test_paper_scale_is_the_feature_size_times_mean_for_mse():
    gradients = {}
    for scale in ('mean', 'paper'):
        model, augmentation, slim = setup(scale=scale)
        run_step(model, slim)
        gradients[scale] = [f.grad.clone() for f in slim.all_factors()]
    _, task, _ = by_hand(*setup()[:2])
    size = 8 * 8 * 8  # layer2's output per sample
    for mean, paper, t in zip(gradients['mean'], gradients['paper'], task):
        torch.testing.assert_close(paper - t, size * (mean - t), rtol=1e-4, atol=1e-7)


def test_per_sample_draws_weight_each_samples_loss_by_its_own_lambda():
    model, augmentation, slim = setup(lambda_range=(-1.0, 1.0), draw='sample')
    step = run_step(model, slim)
    weights = step.draw.weights
    assert weights.shape == (4,) and len(set(weights.tolist())) == 4
    _, task, dictionary = by_hand(*setup()[:2], weights=weights)
    for factor, t, d in zip(slim.all_factors(), task, dictionary):
        torch.testing.assert_close(factor.grad, t + d, rtol=1e-5, atol=1e-8)


def test_unknown_scale_is_refused_naming_the_valid_ones():
    with pytest.raises(ValueError, match='valid: mean, paper, balanced'):
        setup(scale='literal')


def test_clean_reference_changes_no_buffer_or_random_stream_and_stops_at_the_layer():
    model, augmentation, slim = setup(layers=('backbone.layer1', 'backbone.layer2'))
    images, _ = tiny_batch()
    buffers = {k: v.clone() for k, v in model.state_dict().items()}
    streams = [m.generator.get_state() for _, m in augmentation.items()]
    global_state = torch.get_rng_state()
    head_calls = []
    model.head.register_forward_hook(lambda *_: head_calls.append(1))
    feature = slim.clean_reference('backbone.layer1', lambda: model(images))
    assert feature.shape == (4, 8, 16, 16) and not feature.requires_grad
    assert head_calls == []
    assert all(torch.equal(buffers[k], v) for k, v in model.state_dict().items())
    assert all(torch.equal(s, m.generator.get_state()) for s, (_, m) in zip(streams, augmentation.items()))
    assert torch.equal(global_state, torch.get_rng_state())
    with augmentation.disabled():
        expected = model.backbone.layer1(model.backbone.stem(images))
    assert torch.allclose(feature, expected)


def test_draw_without_an_active_upstream_module_is_skipped_and_counted():
    model, augmentation, slim = setup(branch_probabilities=(1.0, 0.0, 0.0))
    step = run_step(model, slim, measure_ratio=True)
    assert step.skipped and slim.skipped == 1 and slim.applied == 0
    assert all(f.grad.abs().sum() == 0 for f in slim.all_factors())
    assert step.ratio.numel() == 0


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

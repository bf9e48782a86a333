"""Feature-level AdvStyle (+ SLIM) through the SLIMAdvStyle wrapper around our ImageClassifier."""
import copy

import torch
from mmengine.optim import OptimWrapper
from mmengine.structures import BaseDataElement
from mmseg.registry import MODELS

import slim_mmseg.openmmlab  # noqa: F401
from slim_mmseg.core.module_lookup import resolve_module
from slim_mmseg.core.style_statistics import style_statistics

POSITIONS = ['backbone.conv1', 'backbone.layer1', 'backbone.layer2']
CLASSIFIER = dict(
    type='ImageClassifier',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[127.5] * 3, std=[127.5] * 3),
    backbone=dict(type='WideResNet', depth=10, widen_factor=1),
    in_channels=64, num_classes=4)
SLIM = dict(layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3'],
            losses=['mse', 'ortho', 'reverse'], lambda_range=(-1.0, 1.0), seed=0)


def build(slim=None, step_size=0.1, random_start=0.0):
    torch.manual_seed(0)
    model = MODELS.build(dict(type='SLIMAdvStyle', model=CLASSIFIER, slim=slim, adversary=dict(
        positions=POSITIONS, steps=1, step_size=step_size, rule='sign',
        random_start=random_start)))
    model.init_weights()
    return model.train()


def batch(n=6):
    g = torch.Generator().manual_seed(1)
    return dict(inputs=[torch.randint(0, 256, (3, 16, 16), generator=g, dtype=torch.uint8)
                        for _ in range(n)],
                data_samples=[BaseDataElement(gt_label=torch.tensor(i % 4)) for i in range(n)])


def inner_loop(wrapper):
    data = wrapper.data_preprocessor(batch(), True)
    inputs, samples = data['inputs'], data['data_samples']
    classifier, adversary = wrapper.model, wrapper.adversary
    draw = adversary.draw()
    with adversary.record_clean(classifier, inputs, draw) as reference:
        classifier.loss(inputs, samples)

    def task_loss(x):
        return classifier.parse_losses(classifier.loss(x, samples))[0]

    style = adversary.generate(classifier, inputs, reference, draw, task_loss)
    return inputs, reference, style


def test_feature_statistics_move_by_the_step_and_are_applied():
    wrapper = build()
    inputs, reference, style = inner_loop(wrapper)
    assert set(style.statistics) == set(POSITIONS)
    for position in POSITIONS:
        for clean, adversarial in zip(reference.statistics[position], style.statistics[position]):
            moved = (adversarial - clean).abs()
            # signed ascent: every statistic with a non-zero gradient moves by exactly alpha
            assert torch.allclose(moved[moved > 0], torch.tensor(0.1), atol=1e-5)
            assert (moved > 0).float().mean() > 0.5, position
    outputs = {}
    with wrapper.adversary.apply(wrapper.model, inputs, style):
        # registered after the re-styling hooks, so they see the re-styled outputs
        hooks = [resolve_module(wrapper.model, p).register_forward_hook(
            lambda _m, _i, out, p=p: outputs.__setitem__(p, out.detach())) for p in POSITIONS]
        wrapper.model(inputs, mode='tensor')
    for hook in hooks:
        hook.remove()
    for position in POSITIONS:  # what the next module sees has the adversarial statistics
        mean, std = style_statistics(outputs[position])
        torch.testing.assert_close(mean, style.statistics[position][0], atol=1e-4, rtol=1e-4)
        torch.testing.assert_close(std, style.statistics[position][1], atol=1e-4, rtol=1e-4)


def test_inner_loop_leaves_weights_bn_buffers_and_gradients_untouched():
    wrapper = build(slim=SLIM, random_start=0.05)
    data = wrapper.data_preprocessor(batch(), True)
    with torch.no_grad():  # the clean pass of a training step updates BN; do it before snapshot
        wrapper.model(data['inputs'], mode='tensor')
    before = copy.deepcopy(wrapper.model.state_dict())
    inner_loop(wrapper)
    after = wrapper.model.state_dict()
    changed = [key for key in before
               if key.endswith(('running_mean', 'running_var', 'num_batches_tracked')) is False
               and not torch.equal(before[key], after[key])]
    assert changed == []
    # record_clean's clean forward updates BN once (as the training step's clean pass does);
    # the adversarial ascent itself must add no update: num_batches_tracked counts forwards
    tracked = {k: int(after[k]) - int(before[k]) for k in after if k.endswith('tracked')}
    assert set(tracked.values()) == {1}
    assert all(p.grad is None for p in wrapper.parameters())


def test_slim_training_step_gives_every_parameter_a_finite_gradient():
    wrapper = build(slim=SLIM, random_start=0.05)
    gradients = {}

    class RecordingOptimWrapper(OptimWrapper):
        def step(self, **kwargs):
            gradients.update((n, None if p.grad is None else p.grad.clone())
                             for n, p in wrapper.named_parameters())
            super().step(**kwargs)

    optim = RecordingOptimWrapper(torch.optim.SGD(wrapper.parameters(), lr=0.01))
    log_vars = wrapper.train_step(batch(), optim)
    assert {'loss_cls', 'adv.loss_cls', 'slim_lambda'} <= set(log_vars)
    assert sum(v.item() for k, v in log_vars.items() if k.startswith('slim_layer/')) == 1.0
    assert not torch.isclose(log_vars['loss_cls'], log_vars['adv.loss_cls'])
    assert len(gradients) == len(list(wrapper.parameters()))
    for name, grad in gradients.items():
        assert grad is not None and torch.isfinite(grad).all() and grad.abs().sum() > 0, name

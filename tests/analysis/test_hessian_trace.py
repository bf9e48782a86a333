import pytest
import torch
import torch.nn.functional as F
from torch.func import functional_call

from slim_mmseg.analysis import hessian_traces, weighted_modules
from analysis_models import MLP, conv_classifier, image_batch


def exact_block_trace(model, name, inputs, labels):
    weights = dict(model.named_parameters())
    key = f'{name}.weight'

    def loss(weight):
        return F.cross_entropy(functional_call(model, {**weights, key: weight}, (inputs,)), labels)

    hessian = torch.autograd.functional.hessian(loss, weights[key].detach())
    size = weights[key].numel()
    return float(hessian.reshape(size, size).diagonal().sum())


def test_hutchinson_matches_the_exact_trace_of_each_module_block():
    torch.manual_seed(0)
    model = MLP().double()
    generator = torch.Generator().manual_seed(0)
    inputs = 3 * torch.randn(32, 6, generator=generator, dtype=torch.float64)
    labels = torch.randint(0, 3, (32,), generator=generator)
    result = hessian_traces(model, lambda m: F.cross_entropy(m(inputs), labels), max_samples=2000,
                            tol=1e-5, generator=torch.Generator().manual_seed(1))
    assert [t.module for t in result.modules] == ['fc1', 'fc2']
    for trace in result.modules:
        exact = exact_block_trace(model, trace.module, inputs, labels)
        assert exact > 1  # a block far from zero: a relative tolerance means something
        assert trace.trace == pytest.approx(exact, rel=0.05)
    assert result.hessian_vector_products == sum(t.samples for t in result.modules)


def test_pyhessian_stopping_rule_and_sample_cap():
    model = MLP()
    inputs, labels = torch.randn(16, 6), torch.randint(0, 3, (16,))
    capped = hessian_traces(model, lambda m: F.cross_entropy(m(inputs), labels), max_samples=3, tol=0.0)
    assert [t.samples for t in capped.modules] == [3, 3]
    assert not any(t.converged for t in capped.modules)
    loose = hessian_traces(model, lambda m: F.cross_entropy(m(inputs), labels), tol=10.0)
    # the first estimate always differs from the initial 0 by 100 %; with tol=10 the second stops it
    assert [t.samples for t in loose.modules] == [2, 2]
    assert all(t.converged for t in loose.modules)


def test_runs_in_eval_mode_restores_the_mode_and_leaves_grads_untouched():
    model = conv_classifier()
    images, labels = image_batch()
    modes = []

    def loss_of(m):
        modes.append(m.backbone.layer1[1].training)
        return F.cross_entropy(m(images), labels)

    result = hessian_traces(model, loss_of, max_samples=2)
    assert modes == [False] and model.training
    assert weighted_modules(model) == ['backbone.layer1.0', 'backbone.layer2.0', 'head']
    assert [t.module for t in result.modules] == weighted_modules(model)
    assert all(p.grad is None for p in model.parameters())
    assert result.seconds > 0


def test_bad_modules_are_named():
    model = conv_classifier()
    images, labels = image_batch()
    with pytest.raises(ValueError, match='backbone.layer1'):
        hessian_traces(model, lambda m: F.cross_entropy(m(images), labels), modules=['backbone.layer7'])
    with pytest.raises(ValueError, match='no trainable weight'):
        hessian_traces(model, lambda m: F.cross_entropy(m(images), labels), modules=['backbone.layer1.2'])

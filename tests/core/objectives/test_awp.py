"""Adversarial weight perturbation: which weights, how large, exact restore, and the update."""
import pytest
import torch
from torch import nn

from slim_mmseg.core.objectives import AdversarialWeightPerturbation


def tiny_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                         nn.Flatten(), nn.Linear(4 * 5 * 5, 3))


def batch():
    generator = torch.Generator().manual_seed(1)
    return torch.randn(6, 1, 5, 5, generator=generator), torch.tensor([0, 1, 2, 0, 1, 2])


def loss_of(model, images, labels):
    return nn.functional.cross_entropy(model(images), labels)


def test_perturbation_covers_multi_dimensional_weights_with_relative_size():
    model, (images, labels) = tiny_model(), batch()
    awp = AdversarialWeightPerturbation(gamma=0.01)
    perturbation = awp.perturbation(model, lambda: loss_of(model, images, labels))
    assert sorted(perturbation) == ['0.weight', '4.weight']  # no biases, no BN parameters
    params = dict(model.named_parameters())
    for name, delta in perturbation.items():
        assert delta.norm().item() == pytest.approx(0.01 * params[name].norm().item(), rel=1e-5)
    # direction = gradient of the loss (the proxy's SGD step on -loss), normalised per layer
    grads = torch.autograd.grad(loss_of(model, images, labels), [params['0.weight']])
    cosine = nn.functional.cosine_similarity(perturbation['0.weight'].flatten(), grads[0].flatten(), dim=0)
    assert cosine.item() == pytest.approx(1.0, abs=1e-6)


def test_perturbation_leaves_buffers_grads_and_modes_untouched_and_raises_the_loss():
    model, (images, labels) = tiny_model(), batch()
    buffers = {k: v.clone() for k, v in model.state_dict().items()}
    awp = AdversarialWeightPerturbation(gamma=0.05)
    perturbation = awp.perturbation(model, lambda: loss_of(model, images, labels))
    assert all(torch.equal(buffers[k], v) for k, v in model.state_dict().items())
    assert all(p.grad is None for p in model.parameters())
    assert model.training
    before = loss_of(model, images, labels).item()
    with awp.applied(model, perturbation):
        assert loss_of(model, images, labels).item() > before


def test_restore_is_bitwise_exact_without_a_step():
    model, (images, labels) = tiny_model(), batch()
    original = {k: v.clone() for k, v in model.state_dict().items()}
    awp = AdversarialWeightPerturbation(gamma=0.01)
    perturbation = awp.perturbation(model, lambda: loss_of(model, images, labels))
    with awp.applied(model, perturbation):
        assert not torch.equal(model[0].weight, original['0.weight'])
    assert all(torch.equal(original[k], v) for k, v in model.state_dict().items())


def test_update_is_the_gradient_at_the_perturbed_weights():
    model, (images, labels) = tiny_model(), batch()
    reference = tiny_model()
    awp = AdversarialWeightPerturbation(gamma=0.02)
    perturbation = awp.perturbation(model, lambda: loss_of(model, images, labels))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with awp.applied(model, perturbation):
        perturbed_model = tiny_model()
        perturbed_model.load_state_dict(model.state_dict())
        loss_of(model, images, labels).backward()
        optimizer.step()
    expected = torch.autograd.grad(loss_of(perturbed_model, images, labels),
                                   list(perturbed_model.parameters()))
    for (name, param), start, grad in zip(model.named_parameters(), reference.parameters(), expected):
        torch.testing.assert_close(param.detach(), start.detach() - 0.1 * grad, msg=name)


def test_warmup_and_bad_arguments():
    awp = AdversarialWeightPerturbation(gamma=0.005, warmup_epochs=9)
    assert not awp.active(8) and awp.active(9)
    with pytest.raises(ValueError, match='gamma'):
        AdversarialWeightPerturbation(gamma=0.0)
    with pytest.raises(ValueError, match='warmup'):
        AdversarialWeightPerturbation(warmup_epochs=-1)
    with pytest.raises(ValueError, match='no trainable weight'):
        AdversarialWeightPerturbation().perturbation(nn.BatchNorm2d(2), lambda: torch.zeros(()))

"""PGD-n: equal to torchattacks' PGD, strong on an undefended model, seeded, budget checked."""
import copy

import pytest
import torch
import torchattacks

from slim_mmseg.attacks import PGD, build_attack, predicted_correct


def test_equals_torchattacks_pgd_from_the_same_start(digits):
    model, _, test = digits
    images, labels = test[0][:64], test[1][:64]
    ours = PGD(model.eval(), eps=8 / 255, steps=20, step_size=2 / 255, random_start='none')(images, labels)
    theirs = torchattacks.PGD(model, eps=8 / 255, alpha=2 / 255, steps=20, random_start=False)(images, labels)
    assert torch.equal(ours, theirs)
    assert (ours - images).abs().max() > 7 / 255       # it moved: the comparison is not trivial


def test_trades_step_size_is_a_parameter_and_defaults_are_stated(digits):
    model, _, test = digits
    attack = build_attack('pgd20', model)
    assert (attack.eps, attack.steps, attack.step_size, attack.perturbation.random_start) == \
        (8 / 255, 20, 2 / 255, 'uniform')
    assert build_attack('pgd20', model, step_size=0.003).step_size == 0.003


def test_pgd20_breaks_an_undefended_model(digits):
    # 8x8 digits with 17 grey levels need a larger budget than CIFAR's 8/255: 32/255 here.
    model, _, test = digits
    images, labels = test[0][:100], test[1][:100]
    assert predicted_correct(model, images, labels).float().mean() >= 0.9
    adversarial = build_attack('pgd20', model, eps=32 / 255, step_size=8 / 255)(images, labels)
    assert predicted_correct(model, adversarial, labels).float().mean() <= 0.05


def test_random_start_is_seeded(digits):
    model, _, test = digits
    images, labels = test[0][:16], test[1][:16]
    one = PGD(model, steps=1, step_size=0.0, seed=3)(images, labels)     # the start alone
    assert torch.equal(one, PGD(model, steps=1, step_size=0.0, seed=3)(images, labels))
    assert not torch.equal(one, PGD(model, steps=1, step_size=0.0, seed=4)(images, labels))
    delta = one - images
    assert delta.abs().max() <= 8 / 255 + 1e-7 and delta.abs().mean() > 2 / 255   # uniform in the ball


@pytest.mark.parametrize('eps', [8, 255.0, -0.1])
def test_budget_in_wrong_units_is_refused(eps, digits):
    with pytest.raises(ValueError, match='8/255|>= 0'):
        build_attack('pgd20', digits[0], eps=eps)


def test_random_start_comes_from_a_cpu_generator_whatever_the_device(digits, monkeypatch):
    import slim_mmseg.attacks.pgd as pgd_module
    generators = []
    original = pgd_module.ascend
    monkeypatch.setattr(pgd_module, 'ascend', lambda *args, generator, **kwargs:
                        generators.append(generator) or original(*args, generator=generator, **kwargs))
    model, _, test = digits
    PGD(model, steps=1, seed=3)(test[0][:4], test[1][:4])
    assert generators[0].device == torch.device('cpu') and generators[0].initial_seed() == 3


@pytest.mark.cuda
def test_cuda_random_start_equals_the_cpu_one(digits):
    model, _, test = digits
    images, labels = test[0][:16], test[1][:16]
    cpu_start = PGD(model, eps=8 / 255, steps=1, step_size=0.0, seed=5)(images, labels)
    cuda_model = copy.deepcopy(model).cuda()
    cuda_start = PGD(cuda_model, eps=8 / 255, steps=1, step_size=0.0, seed=5)(images.cuda(), labels.cuda())
    assert cuda_start.device.type == 'cuda'
    assert torch.equal(cuda_start.cpu(), cpu_start) and not torch.equal(cpu_start, images)
    attacked = PGD(cuda_model, eps=32 / 255, steps=5, step_size=8 / 255, seed=5)(images.cuda(), labels.cuda())
    assert attacked.device.type == 'cuda' and (attacked.cpu() - images).abs().max() <= 32 / 255 + 1e-6

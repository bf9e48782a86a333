"""The ascent loop's contract, over every perturbation the project ascends (as timm tests every model)."""
import pytest
import torch
import torch.nn.functional as F

from slim_mmseg.core import (INPUT, PixelPerturbation, SLIMSampler, SLIMTerm, StyleStatisticsPerturbation,
                             ascend, recording_statistics, seeded_generator)


def unit_images():
    images = torch.rand(4, 3, 16, 16, generator=torch.Generator().manual_seed(1))
    labels = torch.randint(0, 4, (4, 16, 16), generator=torch.Generator().manual_seed(2))
    return images, labels


def style_perturbation(model, images, positions, random_start=0.05):
    with torch.no_grad(), recording_statistics(model, images, positions) as reference:
        model(images)
    return StyleStatisticsPerturbation(reference, random_start=random_start)


PERTURBATIONS = {
    'pixel-Linf': lambda model, images: PixelPerturbation(8 / 255, 'Linf', 'uniform'),
    'pixel-L2': lambda model, images: PixelPerturbation(0.5, 'L2', 'uniform'),
    'pixel-normal-start': lambda model, images: PixelPerturbation(8 / 255, 'Linf', 'normal'),
    'style-input': lambda model, images: style_perturbation(model, images, [INPUT]),
    'style-feature': lambda model, images: style_perturbation(model, images, [INPUT, 'backbone.layer1']),
}
STEP_SIZES = {'pixel-Linf': 2 / 255, 'pixel-L2': 0.1, 'pixel-normal-start': 2 / 255,
              'style-input': 0.05, 'style-feature': 0.05}


def run(model, images, labels, name, steps=5, seed=0, norm_mode='batch', slim=None, perturbation=None):
    perturbation = perturbation or PERTURBATIONS[name](model, images)
    objective = lambda x: F.cross_entropy(model(x), labels)  # noqa: E731
    return perturbation, ascend(model, images, perturbation, objective, steps=steps, step_size=STEP_SIZES[name],
                                norm_mode=norm_mode, slim=slim, generator=seeded_generator(seed))


@pytest.mark.parametrize('name', PERTURBATIONS)
@pytest.mark.parametrize('norm_mode', ['batch', 'running', 'eval'])
def test_model_state_untouched_and_mode_restored(tiny_model, name, norm_mode):
    images, labels = unit_images()
    tiny_model.backbone.layer2.eval()  # mixed modes must come back as they were
    perturbation = PERTURBATIONS[name](tiny_model, images)  # style: its clean recording pass may update BN
    before = {k: v.clone() for k, v in tiny_model.state_dict().items()}
    modes = [m.training for m in tiny_model.modules()]
    run(tiny_model, images, labels, name, steps=2, norm_mode=norm_mode, perturbation=perturbation)
    for key, value in tiny_model.state_dict().items():
        assert torch.equal(value, before[key]), key
    assert all(p.grad is None for p in tiny_model.parameters())
    assert [m.training for m in tiny_model.modules()] == modes


@pytest.mark.parametrize('name', PERTURBATIONS)
def test_objective_rises_and_is_seeded(tiny_model, name):
    images, labels = unit_images()
    tiny_model.eval()
    clean = F.cross_entropy(tiny_model(images), labels).item()
    _, first = run(tiny_model, images, labels, name, norm_mode='eval')
    _, again = run(tiny_model, images, labels, name, norm_mode='eval')
    adversarial = F.cross_entropy(tiny_model(first.inputs), labels).item()
    assert adversarial > clean
    assert torch.equal(first.inputs, again.inputs)
    assert all(torch.equal(a, b) for a, b in zip(first.state, again.state))
    _, other_seed = run(tiny_model, images, labels, name, norm_mode='eval', seed=1)
    # The ascended tensors (for a feature-level perturbation the image is unchanged: compare the state).
    assert not all(torch.equal(a, b) for a, b in zip(first.state, other_seed.state))


@pytest.mark.parametrize('norm,eps', [('Linf', 8 / 255), ('L2', 0.5)])
def test_pixel_perturbation_stays_in_the_ball_and_the_unit_range(tiny_model, norm, eps):
    images, labels = unit_images()
    images[0] = 1.0  # a saturated image: the [0, 1] clamp must bind
    _, result = run(tiny_model, images, labels, f'pixel-{norm}', steps=10)
    delta = result.inputs - images
    if norm == 'Linf':
        assert delta.abs().max() <= eps + 1e-6
    else:
        assert (delta.flatten(1).norm(dim=1) <= eps + 1e-5).all()
    assert result.inputs.min() >= 0 and result.inputs.max() <= 1
    assert delta.abs().max() > 0


def test_sign_rule_moves_every_pixel_by_the_step_before_projection(tiny_model):
    images, labels = unit_images()
    images = images * 0.5 + 0.25  # away from 0 and 1
    perturbation = PixelPerturbation(0.1, 'Linf', 'none')
    result = ascend(tiny_model, images, perturbation, lambda x: F.cross_entropy(tiny_model(x), labels),
                    steps=1, step_size=0.01, norm_mode='eval')
    moved = (result.inputs - images).abs()
    assert torch.allclose(moved[moved > 0], torch.full_like(moved[moved > 0], 0.01), atol=1e-6)


def test_l2_rule_takes_steps_of_the_given_length(tiny_model):
    images, labels = unit_images()
    images = images * 0.5 + 0.25
    perturbation = PixelPerturbation(10.0, 'L2', 'none')
    result = ascend(tiny_model, images, perturbation, lambda x: F.cross_entropy(tiny_model(x), labels),
                    steps=1, step_size=0.2, norm_mode='eval')
    assert torch.allclose((result.inputs - images).flatten(1).norm(dim=1), torch.full((4,), 0.2), atol=1e-5)


def test_slim_term_changes_the_pixel_perturbation_but_not_the_model(tiny_model):
    images, labels = unit_images()
    draw = SLIMSampler(['backbone.layer1'], losses=['mse'], lambda_range=(50.0, 50.0), seed=0).draw()
    term = SLIMTerm.from_clean_pass(tiny_model, draw, images, norm_mode='eval')
    _, plain = run(tiny_model, images, labels, 'pixel-Linf', norm_mode='eval')
    _, with_slim = run(tiny_model, images, labels, 'pixel-Linf', norm_mode='eval', slim=term)
    assert not torch.equal(plain.inputs, with_slim.inputs)
    # lambda = 50 on mse pushes layer1's feature away from the clean one
    with torch.no_grad():
        feature = lambda x: tiny_model.backbone.layer1(tiny_model.backbone.stem(x))  # noqa: E731
        tiny_model.eval()
        assert F.mse_loss(feature(with_slim.inputs), term.clean_feature) > F.mse_loss(feature(plain.inputs),
                                                                                        term.clean_feature)


def test_recording_during_a_forward_equals_a_clean_pass(tiny_model):
    images, _ = unit_images()
    draw = SLIMSampler(['backbone.layer2'], seed=0).draw()
    tiny_model.eval()
    with torch.no_grad(), SLIMTerm.recording(tiny_model, draw) as recorded:
        tiny_model(images)
    assert torch.equal(recorded.clean_feature, SLIMTerm.from_clean_pass(tiny_model, draw, images).clean_feature)
    with pytest.raises(RuntimeError, match='never recorded'):
        SLIMTerm(draw).value(recorded.clean_feature)


def test_nonfinite_step_freezes_the_last_finite_perturbation_without_a_host_read(tiny_model, monkeypatch):
    images, labels = unit_images()
    calls = []

    def objective(x):
        calls.append(1)
        loss = F.cross_entropy(tiny_model(x), labels)
        return loss if len(calls) < 3 else loss * float('nan')

    perturbation = PixelPerturbation(8 / 255, 'Linf', 'none')
    reads = []
    monkeypatch.setattr(torch.Tensor, '__bool__', lambda t: reads.append(t) or bool(t.item()))
    result = ascend(tiny_model, images, perturbation, objective, steps=5, step_size=1 / 255, norm_mode='eval')
    monkeypatch.undo()
    assert len(reads) == 1  # the start's [0, 1] range check; the loop never asks whether a step was finite
    assert int(result.nonfinite_steps) == 1 and len(calls) == 5  # the remaining steps run, frozen
    assert torch.allclose((result.inputs - images).abs().amax(), torch.tensor(2 / 255), atol=1e-6)
    last_finite = F.cross_entropy(tiny_model(result.inputs - 0 * images), labels)
    assert torch.isfinite(result.objective) and result.objective.dim() == 0
    with pytest.warns(RuntimeWarning, match='non-finite'):
        result.warn_if_stopped('test')
    assert float(last_finite) > 0


def test_bad_configuration_is_refused(tiny_model):
    images, labels = unit_images()
    objective = lambda x: F.cross_entropy(tiny_model(x), labels)  # noqa: E731
    perturbation = PixelPerturbation(8 / 255)
    with pytest.raises(ValueError, match='steps must be >= 1'):
        ascend(tiny_model, images, perturbation, objective, steps=0, step_size=0.1)
    with pytest.raises(ValueError, match="rule must be one of \\('sign', 'sgd', 'l2'\\)"):
        ascend(tiny_model, images, perturbation, objective, steps=1, step_size=0.1, rule='adam')
    with pytest.raises(ValueError, match="unknown normalisation mode of the inner loop 'train'; registered: batch, eval, running"):
        ascend(tiny_model, images, perturbation, objective, steps=1, step_size=0.1, norm_mode='train')
    with pytest.raises(ValueError, match='eps must be >= 0'):
        PixelPerturbation(-0.1)
    with pytest.raises(ValueError, match='8/255, not 8'):
        PixelPerturbation(8)
    with pytest.raises(ValueError, match="norm must be one of \\('Linf', 'L2'\\)"):
        PixelPerturbation(0.1, norm='L1')
    with pytest.raises(ValueError, match='need images in \\[0, 1\\].*normalise inside the model'):
        ascend(tiny_model, images * 255, perturbation, objective, steps=1, step_size=0.1)

"""The ascent loop with the SLIM term at each scale, and under float16 autocast, against gradients
computed here by hand (not through ``ascend``)."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from slim_mmseg.core import PixelPerturbation, SLIMSampler, SLIMTerm, ascend, seeded_generator
from slim_mmseg.core.slim_balance import per_sample_norm


def classifier() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 5)).eval().double()


def batch():
    """float64, so that one small step is resolved exactly enough to compare with hand gradients."""
    g = torch.Generator().manual_seed(1)
    return 0.25 + 0.5 * torch.rand(6, 3, 8, 8, generator=g, dtype=torch.float64), torch.randint(0, 5, (6,), generator=g)


def term(model, images, scale, loss='mse', seed=3, draw='batch'):
    sampler = SLIMSampler(['2'], losses=[loss], seed=seed, draw=draw)
    return SLIMTerm.from_clean_pass(model, sampler.draw(batch_size=images.shape[0]), images, scale=scale)


def start(images):
    perturbation = PixelPerturbation(0.1, 'Linf', 'uniform')
    return perturbation, perturbation.start(images, seeded_generator(0))[0].detach()


def hand_gradients(model, images, labels, slim):
    """Task and (unweighted, per-sample) dictionary gradients at the start, by hand."""
    _, x = start(images)
    x.requires_grad_()
    feature = model[:3](x)
    task = F.cross_entropy(model[3:](feature), labels)
    dictionary = slim.per_sample(feature.flatten(1).view_as(feature))
    g_task, = torch.autograd.grad(task, x, retain_graph=True)
    g_dict, = torch.autograd.grad(dictionary.sum(), x)
    return x.detach(), g_task, g_dict


#: The task gradients are ~1e-5 and the paper-scale mse's ~1e-2: one step stays inside the 0.1 ball
#: and [0, 1], so no projection alters it.
STEPS = {'mean': 1.0, 'balanced': 1.0, 'paper': 1e-3}


def one_sgd_step(model, images, labels, slim, **kwargs):
    perturbation, _ = start(images)
    return ascend(model, images, perturbation, lambda x: F.cross_entropy(model(x), labels), steps=1,
                  step_size=STEPS[slim.scale], rule='sgd', norm_mode='eval', slim=slim, generator=seeded_generator(0), **kwargs)


@pytest.mark.parametrize('draw', ['batch', 'sample'])
def test_balanced_step_is_the_task_gradient_plus_the_rescaled_dictionary_gradient(draw):
    model = classifier()
    images, labels = batch()
    slim = term(model, images, 'balanced', draw=draw)
    x0, g_task, g_dict = hand_gradients(model, images, labels, slim)
    weights = slim.draw.weights.view(-1, 1, 1, 1)
    norm = lambda g: g.flatten(1).norm(dim=1).view(-1, 1, 1, 1)  # noqa: E731
    expected = g_task + weights * norm(g_task) / norm(g_dict) * g_dict
    result = one_sgd_step(model, images, labels, slim, measure_slim_ratio=True)
    assert torch.allclose((result.state[0] - x0) / STEPS[slim.scale], expected, rtol=1e-6, atol=1e-12)
    # the definition: the SLIM part's norm is |lambda| times the task gradient's, per sample
    assert torch.allclose(result.slim_ratio, slim.draw.weights.abs().double(), rtol=1e-5)
    assert int(result.slim_zero_gradients) == 0


def test_mean_and_paper_steps_follow_the_summed_loss_and_the_ratio_is_measured_without_changing_the_run():
    model = classifier()
    images, labels = batch()
    ratios = {}
    for scale in ('mean', 'paper'):
        slim = term(model, images, scale)
        x0, g_task, g_dict = hand_gradients(model, images, labels, slim)
        weight = slim.draw.weight
        part = weight * g_dict / images.shape[0]  # gradient of mean_i(lambda * L_i)
        measured = one_sgd_step(model, images, labels, slim, measure_slim_ratio=True)
        plain = one_sgd_step(model, images, labels, slim)
        assert torch.equal(measured.state[0], plain.state[0])  # measuring never changes the step
        assert torch.allclose((plain.state[0] - x0) / STEPS[slim.scale], g_task + part, rtol=1e-6, atol=1e-12)
        assert torch.allclose(measured.slim_ratio, per_sample_norm([part]) / per_sample_norm([g_task]), rtol=1e-3)
        assert plain.slim_ratio is None
        ratios[scale] = measured.slim_ratio
    # mse at the paper's scale is the feature size (8 x 8 x 8) times the 'mean' mse
    assert torch.allclose(ratios['paper'], 512 * ratios['mean'], rtol=1e-3)


def test_balanced_objective_is_the_task_loss_and_zero_dictionary_gradients_are_counted():
    model = classifier()
    images, labels = batch()
    slim = term(model, images, 'balanced')
    perturbation = PixelPerturbation(0.1, 'Linf', 'none')  # x_adv = x at step 1: no dictionary gradient
    result = ascend(model, images, perturbation, lambda x: F.cross_entropy(model(x), labels), steps=1,
                    step_size=1 / 255, norm_mode='eval', slim=slim)
    assert int(result.slim_zero_gradients) == images.shape[0]
    task_only = ascend(model, images, perturbation, lambda x: F.cross_entropy(model(x), labels), steps=1,
                       step_size=1 / 255, norm_mode='eval')
    assert torch.equal(result.inputs, task_only.inputs)
    assert torch.allclose(result.objective, task_only.objective)


@pytest.mark.parametrize('scale', ['mean', 'paper', 'balanced'])
def test_float16_autocast_input_gradients_do_not_underflow(scale):
    """A batch-mean loss of 128 images: unscaled float16 input gradients underflow to exact zeros in
    about 7 % of the pixels, which a sign step never moves; with the loss scaled the fraction is
    the float32 one (0)."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10)).eval()
    images, labels = torch.rand(128, 3, 32, 32), torch.randint(0, 10, (128,))
    slim = SLIMTerm.from_clean_pass(model, SLIMSampler(['2'], seed=0).draw(batch_size=128), images, scale=scale)

    def unmoved(**kwargs):
        with torch.autocast('cpu', dtype=torch.float16):
            result = ascend(model, images, PixelPerturbation(8 / 255, 'Linf', 'none'),
                            lambda x: F.cross_entropy(model(x), labels), steps=1, step_size=1 / 255,
                            norm_mode='eval', **kwargs)
        return ((result.inputs - images) == 0).float().mean().item()

    assert unmoved(gradient_scale=1.0) > 0.03   # the failure this guards against
    assert unmoved() == 0.0
    # scale='mean'|'paper'|'balanced' with SLIM: the dictionary gradient is zero at x_adv = x; the
    # task gradient alone moves every pixel
    assert unmoved(slim=slim) == 0.0

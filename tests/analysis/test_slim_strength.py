"""SLIM's strength on tiny models: each scale against its definition ('balanced' = |lambda|
exactly, 'paper' = D_l x 'mean' for mse, the same for the cosine losses), sign flips and the x_adv
comparison on known cases, and the control factors' per-tensor ratio."""
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from slim_mmseg.analysis.slim_strength import (AscentSetting, ascent_strength, clean_features, control_factor_strength,
                                               fixed_draw, median, mixed_step, sign_flip_share)
from slim_mmseg.core import PixelPerturbation, SLIMTerm, ascend

LAYERS = ['layer1', 'layer2']
LOSSES = ('mse', 'ortho', 'reverse')


class TinyClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU())
        self.layer2 = nn.Sequential(nn.Conv2d(4, 6, 3, stride=2, padding=1), nn.ReLU())
        self.head = nn.Linear(6, 3)

    def forward(self, x):
        return self.head(self.layer2(self.layer1(x)).mean(dim=(2, 3)))


def setting(steps=3):
    torch.manual_seed(0)
    model = TinyClassifier().eval()
    generator = torch.Generator().manual_seed(1)
    inputs = torch.rand(6, 1, 8, 8, generator=generator)
    labels = torch.arange(6) % 3
    return AscentSetting(model, inputs, PixelPerturbation(eps=0.1), lambda x: F.cross_entropy(model(x), labels),
                         steps=steps, step_size=0.03, norm_mode='eval', clean_forward=model, predict=model,
                         labels=labels, pixel=True)


def by_key(records):
    return {(r['layer'], r['loss'], r['scale'], r['weight']): r for r in records}


def test_balanced_ratio_is_lambda_exactly_and_paper_is_layer_size_times_mean_for_mse():
    result = ascent_strength(setting(), LAYERS, LOSSES, weights=(-1.0, 0.5), full_ascent=False)
    records = by_key(result['records'])
    sizes = {'layer1': 4 * 8 * 8, 'layer2': 6 * 4 * 4}  # D_l: elements per sample
    for layer in LAYERS:
        for loss in LOSSES:
            for weight in (-1.0, 0.5):
                balanced = records[(layer, loss, 'balanced', weight)]
                assert balanced['median_ratio'] == pytest.approx(abs(weight), rel=1e-5)
                mean, paper = records[(layer, loss, 'mean', weight)], records[(layer, loss, 'paper', weight)]
                assert mean['median_ratio'] > 0
                factor = sizes[layer] if loss == 'mse' else 1
                assert paper['median_ratio'] == pytest.approx(factor * mean['median_ratio'], rel=1e-4)
    # the ratio does not depend on lambda's sign, only on |lambda|
    assert records[('layer1', 'mse', 'mean', -1.0)]['median_ratio'] == pytest.approx(
        2 * records[('layer1', 'mse', 'mean', 0.5)]['median_ratio'], rel=1e-6)


def test_mixed_step_on_known_gradients():
    task, dictionary = [torch.tensor([[1., -1., 2.]])], [torch.tensor([[-3., 0., 1.]])]
    mixed, ratio, zero = mixed_step(task, dictionary, 1.0, 'mean')
    assert torch.equal(mixed[0], torch.tensor([[-2., -1., 3.]]))
    assert ratio.item() == pytest.approx(math.sqrt(10 / 6)) and not zero.any()
    assert sign_flip_share(task, mixed) == pytest.approx(1 / 3)
    mixed, ratio, _ = mixed_step(task, dictionary, -0.5, 'balanced')
    assert ratio.item() == pytest.approx(0.5, rel=1e-6)
    # the balanced contribution points against the dictionary gradient for lambda < 0
    added = mixed[0] - task[0]
    assert torch.allclose(added, -0.5 * math.sqrt(6) * dictionary[0] / math.sqrt(10), atol=1e-6)
    with pytest.raises(ValueError, match="unknown SLIM scale 'literal'.*mean, paper, balanced"):
        mixed_step(task, dictionary, 1.0, 'literal')


def test_zero_task_gradient_has_no_ratio_and_is_counted():
    task = [torch.tensor([[0., 0.], [1., 0.]])]
    dictionary = [torch.tensor([[1., 1.], [0., 2.]])]
    for scale in ('mean', 'balanced'):
        mixed, ratio, zero = mixed_step(task, dictionary, 1.0, scale)
        assert zero.tolist() == [True, False] and math.isnan(ratio[0]) and math.isfinite(ratio[1])
        assert all(torch.isfinite(m).all() for m in mixed)


def test_full_ascent_compares_x_adv_with_the_task_only_attack_and_the_noise_floor():
    result = ascent_strength(setting(), ['layer2'], ('mse', ), scales=('paper', 'balanced'), weights=(1.0, ))
    task_only = result['task_only']
    assert 0 < task_only['noise_floor_changed'] <= 1  # another random start moves x_adv
    assert 0 <= task_only['attack_accuracy'] <= 1 and task_only['attack_loss'] > 0
    for record in result['records']:
        assert 0 <= record['x_adv_changed'] <= 1 and 0 <= record['sign_flip_share'] <= 1
        assert {'attack_loss', 'attack_accuracy'} <= set(record)
    # mse at the paper's scale swamps this task loss (D_l = 96): it changes x_adv more than chance
    paper = next(r for r in result['records'] if r['scale'] == 'paper')
    assert paper['median_ratio'] > 1 and paper['sign_flip_share'] > 0.1


def test_a_negligible_term_leaves_x_adv_bit_identical_to_the_task_only_attack():
    result = ascent_strength(setting(), ['layer1'], ('reverse', ), scales=('mean', ), weights=(1e-12, ))
    record = result['records'][0]
    assert record['sign_flip_share'] == 0.0 and record['x_adv_changed'] == 0.0
    assert record['attack_loss'] == result['task_only']['attack_loss']


def test_unknown_scale_is_refused_before_any_work():
    with pytest.raises(ValueError, match="unknown SLIM scale 'sum'"):
        ascent_strength(setting(), LAYERS, LOSSES, scales=('sum', ))


def test_control_factors_ratio_per_tensor_leaves_out_unreached_factors():
    task = [torch.tensor([[3., 4.]]), torch.tensor([[1., 0.]]), torch.tensor([[0., 2.]])]
    dictionary = [torch.tensor([[0., 1.]]), torch.tensor([[0., 0.]]), torch.tensor([[6., 8.]])]
    record = control_factor_strength(task, dictionary, -1.0, 'mean')
    assert record['factors_reached'] == 2
    assert record['ratios'] == pytest.approx([1 / 5, 10 / 2])
    assert record['median_ratio'] == pytest.approx((0.2 + 5.0) / 2)
    balanced = control_factor_strength(task, dictionary, -1.0, 'balanced')
    assert balanced['ratios'] == pytest.approx([1.0, 1.0], rel=1e-6)
    assert control_factor_strength(task, [torch.zeros(1, 2)] * 3, 1.0, 'mean')['factors_reached'] == 0


@pytest.mark.parametrize('scale', ['mean', 'paper', 'balanced'])
def test_start_ratio_equals_the_ratio_the_ascent_measures_for_the_training_log(scale):
    problem = setting(steps=1)
    feature = clean_features(problem, ['layer1'])['layer1']
    record = ascent_strength(problem, ['layer1'], LOSSES, scales=(scale, ), weights=(-0.5, ), full_ascent=False)
    term = SLIMTerm(fixed_draw('layer1', 0, LOSSES, 0, -0.5, 6), feature, scale=scale)
    generator = torch.Generator().manual_seed(0)
    measured = ascend(problem.model, problem.inputs, problem.perturbation, problem.task_loss, steps=1,
                      step_size=problem.step_size, norm_mode='eval', slim=term, generator=generator,
                      measure_slim_ratio=True).slim_ratio
    mse = next(r for r in record['records'] if r['loss'] == 'mse')
    assert mse['median_ratio'] == pytest.approx(median(measured), rel=1e-5)

"""The gradient-masking checks fire on models built to trip them, and stay silent on a plain one."""
import warnings

import pytest
import torch
from torch import nn

from slim_mmseg.attacks import PGD, RobustnessCheckWarning, masking_checks, predicted_correct


class Quantised(nn.Module):
    """Rounds its input to 4 grey levels before the model: the input gradient is zero almost
    everywhere (gradient masking), while the decision still changes with the input."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, images):
        return self.model(torch.round(images * 3) / 3)


class Noisy(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, images):
        return self.model(images + 0.05 * torch.randn_like(images))


def test_plain_model_passes_every_check(digits):
    model, _, test = digits
    images, labels = test[0][:48], test[1][:48]
    pgd_correct = predicted_correct(model, PGD(model, eps=16 / 255)(images, labels), labels)
    with warnings.catch_warnings():
        warnings.simplefilter('error', RobustnessCheckWarning)
        report = masking_checks(model, images, labels, pgd_correct, eps=16 / 255, square_queries=200)
    assert report.count == 0


def test_masked_gradients_trip_zero_gradient_and_square_checks(digits):
    model, _, test = digits
    masked = Quantised(model)
    images, labels = test[0][:48], test[1][:48]
    pgd_correct = predicted_correct(masked, PGD(masked, eps=32 / 255, random_start='none')(images, labels), labels)
    with pytest.warns(RobustnessCheckWarning) as caught:
        report = masking_checks(masked, images, labels, pgd_correct, eps=32 / 255, square_queries=300)
    assert set(report.messages) == {'zero_gradients', 'square_beats_gradient'}
    assert report.count == 2 == len(caught)
    assert 'zero gradients: 48 of 48' in report.messages['zero_gradients']


def test_randomised_model_and_probability_outputs(digits):
    model, _, test = digits
    images, labels = test[0][:16], test[1][:16]
    with pytest.warns(RobustnessCheckWarning):
        assert set(masking_checks(Noisy(model), images, labels).messages) == {'randomised'}
    with pytest.warns(RobustnessCheckWarning):
        softmax = nn.Sequential(model, nn.Softmax(dim=1))
        assert 'probability_outputs' in masking_checks(softmax, images, labels).messages

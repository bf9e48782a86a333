import pytest
import torch.nn.functional as F
from torch import nn

from slim_mmseg.analysis import sign_flip_rates
from slim_mmseg.core import INPUT


def records_for(model, batch, **kwargs):
    images, labels = batch
    return sign_flip_rates(model, images, lambda x: F.cross_entropy(model(x), labels), [INPUT],
                           ['backbone.layer1', 'backbone.layer2'], ['mse', 'ortho', 'reverse'], **kwargs)


def test_one_record_per_layer_loss_and_weight_with_rates_in_range(tiny_model, tiny_batch):
    records = records_for(tiny_model, tiny_batch)
    assert [(r['layer'], r['loss'], r['weight']) for r in records][:3] == [
        ('backbone.layer1', 'mse', -1.0), ('backbone.layer1', 'mse', 1.0), ('backbone.layer1', 'ortho', -1.0)]
    assert len(records) == 2 * 3 * 2
    assert all(0.0 <= r['flip_rate'] <= 1.0 for r in records)
    # the SLIM term does change the direction somewhere, and by no means everywhere
    assert 0 < max(r['flip_rate'] for r in records) < 1


def test_zero_weight_flips_nothing_and_a_huge_weight_flips_a_lot(tiny_model, tiny_batch):
    records = records_for(tiny_model, tiny_batch, weights=(0.0, 1e6))
    zero = [r['flip_rate'] for r in records if r['weight'] == 0.0]
    huge = [r['flip_rate'] for r in records if r['weight'] == 1e6]
    assert zero == [0.0] * 6
    assert min(huge) > 0.1


def test_dropout_noise_is_not_counted_as_a_flip(tiny_model, tiny_batch):
    tiny_model.head = nn.Sequential(nn.Dropout2d(0.5), tiny_model.head)
    records = records_for(tiny_model, tiny_batch, weights=(0.0,))
    assert [r['flip_rate'] for r in records] == [0.0] * 6


def test_model_state_is_untouched(tiny_model, tiny_batch):
    before = {k: v.clone() for k, v in tiny_model.state_dict().items()}
    records_for(tiny_model, tiny_batch)
    assert all((before[k] == v).all() for k, v in tiny_model.state_dict().items())
    assert all(p.grad is None for p in tiny_model.parameters())


def test_clean_start_is_refused(tiny_model, tiny_batch):
    with pytest.raises(ValueError, match='random_start must be > 0'):
        records_for(tiny_model, tiny_batch, random_start=0.0)

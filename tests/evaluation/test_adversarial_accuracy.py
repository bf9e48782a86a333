"""Clean / PGD accuracy: the metric's arithmetic and errors, and the evaluation attack (ball,
[0, 1], loss increase, repeatable starts). The loops run end to end in tests/configs/test_at_configs.py."""
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F
from mmengine.structures import BaseDataElement
from torch import nn

from slim_mmseg.evaluation.adversarial_accuracy import (AdversarialAccuracy, AdversarialTestLoop, AdversarialValLoop,
                                                        PGDAttack)


def test_metric_counts_clean_and_adversarial_hits():
    metric = AdversarialAccuracy(attack_name='pgd20')
    samples = [dict(gt_label=torch.tensor(y), pred_label=torch.tensor(p), adv_pred_label=torch.tensor(a))
               for y, p, a in [(0, 0, 0), (1, 1, 2), (2, 0, 2), (3, 3, 0)]]
    metric.process(None, samples)
    assert metric.compute_metrics(metric.results) == {'clean/accuracy': 75.0, 'pgd20/accuracy': 50.0}


def test_metric_without_adversarial_predictions_names_the_loop():
    with pytest.raises(KeyError, match='AdversarialTestLoop'):
        AdversarialAccuracy().process(None, [dict(gt_label=torch.tensor(0), pred_label=torch.tensor(0))])
    with pytest.raises(ValueError, match='no samples'):
        AdversarialAccuracy().compute_metrics([])


class Linear(nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.fc = nn.Linear(3 * 4 * 4, 5)

    def forward(self, x, mode='tensor'):
        return self.fc(x.flatten(1))


def test_pgd_attack_stays_in_the_ball_raises_the_loss_and_repeats_after_reset():
    model = Linear()
    images = torch.rand(8, 3, 4, 4, generator=torch.Generator().manual_seed(1))
    labels = torch.arange(8) % 5
    attack = PGDAttack(eps=0.05, steps=2, step_size=0.01, seed=3)  # short: the start still matters
    adversarial = attack(model, images, labels)
    assert (adversarial - images).abs().max() <= 0.05 + 1e-6
    assert adversarial.min() >= 0 and adversarial.max() <= 1
    with torch.no_grad():
        assert F.cross_entropy(model(adversarial), labels) > F.cross_entropy(model(images), labels)
    assert not torch.equal(attack(model, images, labels), adversarial)  # the stream moved on
    attack.reset()
    assert torch.equal(attack(model, images, labels), adversarial)


@pytest.mark.parametrize('kwargs,message', [(dict(eps=8), '8/255'), (dict(steps=0), 'steps'),
                                            (dict(random_start='gauss'), 'random_start')])
def test_pgd_attack_arguments_are_checked(kwargs, message):
    with pytest.raises(ValueError, match=message):
        PGDAttack(**kwargs)



@pytest.mark.parametrize('loop, stage', [(AdversarialTestLoop, 'test'), (AdversarialValLoop, 'val')])
def test_each_loop_calls_its_own_hooks_and_model_step(loop, stage):
    """The shared ``run_iter`` follows the loop's stage: its hooks and its model step."""
    calls = []

    class Model(nn.Module):
        def data_preprocessor(self, batch, training):
            return dict(inputs=batch['inputs'])

        def forward(self, x, mode):
            return torch.zeros(len(x), 3)

        def predict(self, name, batch):
            calls.append(name)
            return [BaseDataElement(gt_label=torch.tensor(1)) for _ in batch['inputs']]

        def test_step(self, batch):
            return self.predict('test_step', batch)

        def val_step(self, batch):
            return self.predict('val_step', batch)

    runner = SimpleNamespace(model=Model(), call_hook=lambda name, **kwargs: calls.append(name))
    evaluator = SimpleNamespace(process=lambda data_samples, data_batch: calls.append(len(data_samples)))
    instance = object.__new__(loop)  # the loop's run_iter alone, without mmengine's dataloader set-up
    instance.__dict__.update(_runner=runner, evaluator=evaluator, attack=lambda model, images, labels: images)
    instance.run_iter(0, dict(inputs=torch.zeros(2, 3, 4, 4)))
    assert calls == [f'before_{stage}_iter', f'{stage}_step', 2, f'after_{stage}_iter']

"""Per-sample robust evaluation: accuracy per attack, worst case over attacks, perturbation norms."""
import torch
from torch import nn

from slim_mmseg.attacks import WORST_CASE, Attack, Clean, evaluate_attacks, format_table


class Threshold(nn.Module):
    """Class 1 when the mean pixel exceeds 0.5, else class 0."""

    def forward(self, images):
        score = images.flatten(1).mean(dim=1) - 0.5
        return torch.stack([-score, score], dim=1)


class Shift(Attack):
    """Moves every pixel of the images whose value is ``value`` by ``amount``."""

    def __init__(self, model, amount, value):
        super().__init__(model, eps=abs(amount))
        self.amount, self.value = amount, value

    def perturb(self, images, labels):
        chosen = (images.flatten(1)[:, 0] == self.value).view(-1, 1, 1, 1)
        return (images + chosen * self.amount).clamp(0, 1)


def test_accuracy_worst_case_and_norms():
    model = Threshold()
    images = torch.tensor([0.4, 0.45, 0.6, 0.7]).view(4, 1, 1, 1).expand(4, 1, 2, 2).contiguous()
    labels = torch.tensor([0, 0, 1, 0])              # the last one is wrong already when clean
    attacks = {'clean': Clean(model),
               'up': Shift(model, 0.2, value=0.4),
               'down': Shift(model, -0.2, value=0.6)}
    batches = [(images[:2], labels[:2]), (images[2:], labels[2:])]
    evaluation = evaluate_attacks(model, attacks, batches, progress=True, total=2)
    assert evaluation.per_sample('up').tolist() == [False, True, True, False]
    assert evaluation.per_sample('down').tolist() == [True, True, False, False]
    assert evaluation.per_sample(WORST_CASE).tolist() == [False, True, False, False]
    summary = evaluation.summary()
    assert summary['clean']['accuracy'] == 75.0 and summary['up']['accuracy'] == 50.0
    assert summary[WORST_CASE] == dict(accuracy=25.0, samples=4)
    assert abs(summary['up']['mean_linf'] - 0.05) < 1e-6          # one of four samples moved by 0.2
    assert abs(summary['up']['mean_l2'] - 0.1) < 1e-6             # sqrt(4 * 0.2^2) / 4
    table = format_table(summary)
    assert table.splitlines()[0].split() == ['attack', 'accuracy', 'mean', 'Linf', 'mean', 'L2', 'samples']
    assert 'worst_case       25.00          -         -        4' in table

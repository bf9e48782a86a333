"""Robust accuracy of a classifier under several attacks, per sample, and the worst case.

For every attack and sample: whether the model still predicts the label on the attacked image,
and the L-infinity and L2 norms of the perturbation. The *worst case* of a sample is correct only
if it is correct under every attack evaluated (the per-sample minimum over attacks; including
``clean``, since an attack that returns a misclassified clean point cannot make it correct).
Accuracies are over all samples (for SSA too: correct after attack / all samples).
"""
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Tuple

import torch
from torch import Tensor, nn

from .base import Attack, predicted_correct

WORST_CASE = 'worst_case'


@dataclass
class RobustEvaluation:
    correct: Dict[str, List[Tensor]] = field(default_factory=dict)   # attack -> (N_batch,) bool per batch
    linf: Dict[str, List[Tensor]] = field(default_factory=dict)
    l2: Dict[str, List[Tensor]] = field(default_factory=dict)

    def add(self, name: str, correct: Tensor, perturbation: Tensor) -> None:
        flat = perturbation.flatten(1)
        for store, value in ((self.correct, correct), (self.linf, flat.abs().amax(dim=1)),
                             (self.l2, flat.norm(dim=1))):
            store.setdefault(name, []).append(value.detach().cpu())

    def per_sample(self, name: str) -> Tensor:
        if name == WORST_CASE:
            return torch.stack([self.per_sample(n) for n in self.correct]).all(dim=0)
        return torch.cat(self.correct[name])

    def summary(self) -> Dict[str, Dict[str, float]]:
        """attack -> accuracy (%), mean L-inf and L2 of the perturbations, samples; plus the worst case."""
        rows = {name: dict(accuracy=100 * self.per_sample(name).float().mean().item(),
                           mean_linf=torch.cat(self.linf[name]).mean().item(),
                           mean_l2=torch.cat(self.l2[name]).mean().item(),
                           samples=len(self.per_sample(name)))
                for name in self.correct}
        rows[WORST_CASE] = dict(accuracy=100 * self.per_sample(WORST_CASE).float().mean().item(),
                                samples=len(self.per_sample(WORST_CASE)))
        return rows


def evaluate_attacks(model: nn.Module, attacks: Mapping[str, Attack], batches: Iterable[Tuple[Tensor, Tensor]],
                     progress: bool = False, total: int = None) -> RobustEvaluation:
    """Runs every attack on every ``(images, labels)`` batch (images in [0, 1])."""
    evaluation = RobustEvaluation()
    if progress:
        from tqdm import tqdm
        batches = tqdm(batches, desc='robust evaluation', unit='batch', total=total)
    for images, labels in batches:
        for name, attack in attacks.items():
            if progress:
                batches.set_postfix_str(name)
            adversarial = attack(images, labels)
            evaluation.add(name, predicted_correct(model, adversarial, labels), adversarial - images)
    return evaluation


def format_table(summary: Mapping[str, Mapping[str, float]]) -> str:
    """A plain-text table: attack, accuracy (%), mean L-inf, mean L2, samples."""
    lines = [f'{"attack":<12} {"accuracy":>9} {"mean Linf":>10} {"mean L2":>9} {"samples":>8}']
    for name, row in summary.items():
        linf = f'{row["mean_linf"]:.4f}' if 'mean_linf' in row else '-'
        l2 = f'{row["mean_l2"]:.4f}' if 'mean_l2' in row else '-'
        lines.append(f'{name:<12} {row["accuracy"]:>9.2f} {linf:>10} {l2:>9} {row["samples"]:>8d}')
    return '\n'.join(lines)

"""Clean and PGD accuracy of a classifier in mmengine's test (or validation) loop.

mmengine metrics never see the model, so the attack runs in the loop: :class:`AdversarialTestLoop`
(and :class:`AdversarialValLoop`) predict every batch as the standard loops do, then attack it with
PGD on :func:`slim_mmseg.core.ascend` (the loop adversarial training uses) and store the prediction
on the attacked images as ``adv_pred_label`` in each data sample; :class:`AdversarialAccuracy`
reports ``clean/accuracy`` and ``<attack name>/accuracy`` (percent, over all samples)::

    test_cfg = dict(type='AdversarialTestLoop', attack=dict(eps=0.1, steps=20, step_size=0.025))
    test_evaluator = dict(type='AdversarialAccuracy', attack_name='pgd20')

Attack defaults: PGD-20, cross-entropy, L-inf ``eps = 8/255`` and ``step_size = 2/255`` (AWP's
``AT_AWP/train_cifar10.py`` evaluation; TRADES' ``pgd_attack_cifar10.py`` uses a step of 0.003),
uniform start ``x + U(-eps, eps)`` (TRADES' script), model in evaluation mode, one restart; the
start is drawn from a generator seeded with ``seed`` (default 0), so an evaluation is repeatable.
Images must be in [0, 1] (the classifier normalises inside; see ``ImageClassifier``).
"""
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.evaluator import BaseMetric
from mmengine.model import is_model_wrapper
from mmengine.runner import TestLoop, ValLoop
from mmseg.registry import LOOPS, METRICS

from slim_mmseg.core import PixelPerturbation, ascend, check_ascent, seeded_generator


class PGDAttack:
    """PGD on the cross-entropy of ``model(x, mode='tensor')`` (see the module docstring)."""

    def __init__(self, eps: float = 8 / 255, steps: int = 20, step_size: float = 2 / 255,
                 norm: str = 'Linf', random_start: str = 'uniform', seed: int = 0):
        check_ascent(steps, step_size, None, 'eval')
        self.perturbation = PixelPerturbation(eps=eps, norm=norm, random_start=random_start)
        self.steps, self.step_size, self.seed = int(steps), float(step_size), int(seed)
        self.generator = seeded_generator(self.seed)

    def reset(self) -> None:
        """Restart the random stream: every evaluation draws the same starts."""
        self.generator = seeded_generator(self.seed)

    def __call__(self, model, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        def loss(adversarial: torch.Tensor) -> torch.Tensor:
            return F.cross_entropy(model(adversarial, mode='tensor'), labels)

        result = ascend(model, images, self.perturbation, loss, steps=self.steps, step_size=self.step_size,
                        norm_mode='eval', generator=self.generator)
        result.warn_if_stopped('adversarial evaluation')
        return result.inputs


class _AdversarialPrediction:
    """What both loops add to mmengine's: the attack (``attack``: :class:`PGDAttack` arguments) and a
    ``run_iter`` that makes the standard prediction, then the attacked one. ``stage``: ``'test'`` or
    ``'val'``, the hooks and the model step the loop calls."""
    stage: str

    def __init__(self, runner, dataloader, evaluator, attack: Optional[dict] = None, fp16: bool = False):
        super().__init__(runner, dataloader, evaluator, fp16=fp16)
        self.attack = PGDAttack(**(attack or {}))

    def run_iter(self, idx: int, data_batch: dict) -> None:
        self.runner.call_hook(f'before_{self.stage}_iter', batch_idx=idx, data_batch=data_batch)
        model = self.runner.model.module if is_model_wrapper(self.runner.model) else self.runner.model
        with torch.no_grad():
            outputs = getattr(self.runner.model, f'{self.stage}_step')(data_batch)
            data = model.data_preprocessor(data_batch, False)
        labels = torch.stack([sample.gt_label for sample in outputs]).to(data['inputs'].device)
        adversarial = self.attack(model, data['inputs'], labels)
        with torch.no_grad():
            adv_labels = model(adversarial, mode='tensor').argmax(dim=1)
        for sample, adv_label in zip(outputs, adv_labels):
            sample.adv_pred_label = adv_label
        self.evaluator.process(data_samples=outputs, data_batch=data_batch)
        self.runner.call_hook(f'after_{self.stage}_iter', batch_idx=idx, data_batch=data_batch,
                              outputs=outputs)

    def run(self) -> dict:
        self.attack.reset()
        return super().run()


@LOOPS.register_module()
class AdversarialTestLoop(_AdversarialPrediction, TestLoop):
    """mmengine's ``TestLoop`` plus PGD predictions. ``attack``: :class:`PGDAttack` arguments."""
    stage = 'test'


@LOOPS.register_module()
class AdversarialValLoop(_AdversarialPrediction, ValLoop):
    """mmengine's ``ValLoop`` plus PGD predictions. ``attack``: :class:`PGDAttack` arguments."""
    stage = 'val'


@METRICS.register_module()
class AdversarialAccuracy(BaseMetric):
    """``clean/accuracy`` and ``<attack_name>/accuracy`` in percent.

    Args:
        attack_name: prefix of the robust accuracy (e.g. ``'pgd20'``).
    """
    default_prefix = None

    def __init__(self, attack_name: str = 'pgd20', collect_device: str = 'cpu', prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.attack_name = attack_name

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        # mmengine's Evaluator hands metrics the data samples as dicts.
        for sample in data_samples:
            if 'adv_pred_label' not in sample:
                raise KeyError('AdversarialAccuracy needs adv_pred_label in the data samples: use '
                               "test_cfg=dict(type='AdversarialTestLoop') (or AdversarialValLoop)")
            label = int(sample['gt_label'])
            self.results.append((int(sample['pred_label']) == label, int(sample['adv_pred_label']) == label))

    def compute_metrics(self, results: List) -> Dict[str, float]:
        if not results:
            raise ValueError('AdversarialAccuracy got no samples')
        clean = sum(r[0] for r in results) / len(results)
        robust = sum(r[1] for r in results) / len(results)
        return {'clean/accuracy': 100 * clean, f'{self.attack_name}/accuracy': 100 * robust}

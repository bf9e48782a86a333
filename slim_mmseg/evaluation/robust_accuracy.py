"""Robustness evaluation from a config: a test loop that attacks every test batch.

``test_loop = dict(type='RobustTestLoop', attacks=['clean', 'pgd20'], eps=8/255)`` replaces
mmengine's ``TestLoop`` (``tools/test.py`` then reports the robust metrics).

**Classifiers** (:class:`~slim_mmseg.models.ImageClassifier`, also inside the ``SLIMAdvStyle`` /
``AdversarialTraining`` wrappers): every attack of :mod:`slim_mmseg.attacks` by name. The data
preprocessor must deliver images in [0, 1] (``mean=0, std=255``; the model normalises inside
itself), so that ``eps`` is in pixel units. Metrics: ``robust/<attack>/accuracy`` (%, over all
samples), ``robust/<attack>/mean_linf`` and ``mean_l2`` (of the perturbations) and
``robust/worst_case/accuracy`` (a sample counts only if it survives every attack). The config's
evaluator is not used. ``lafeat`` needs heads: ``attack_options=dict(lafeat=dict(heads_file=...))``,
a file written by ``tools/robust_test.py`` (:func:`~slim_mmseg.attacks.load_heads`).

**Segmentors** (any mmseg ``BaseSegmentor``): ``clean`` and PGD-n (``pgd20``, or ``pgd<n>`` for n
steps), reported through the config's evaluator (e.g. ``MultiDomainIoUMetric``: mIoU per domain),
one evaluator per attack, keys prefixed ``<attack>/``. Segmentor inputs are normalised by the data
preprocessor, ``x_n = (x_255 - mean) / std``; the attack runs on ``x = x_255 / 255`` in [0, 1]
through the exact inverse map, so an L-infinity budget ``eps`` is ``eps * 255 / std_c`` in the
normalised units of channel ``c`` and the [0, 1] box is ``[-mean_c / std_c, (255 - mean_c) / std_c]``.
The loss is pixel-wise cross-entropy of the logits upsampled to the input size against the label
map resized (nearest) to it, ignoring the decode head's ``ignore_index``. Other attacks (AutoAttack,
LAFEAT, SSA) are classification attacks: asking for them on a segmentor is an error.
"""
import re
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.evaluator import Evaluator
from mmengine.logging import print_log
from mmengine.runner.loops import BaseLoop
from mmseg.models.segmentors import BaseSegmentor
from mmseg.registry import LOOPS
from torch import Tensor, nn
from torch.utils.data import DataLoader

from ..attacks import PGD, WORST_CASE, Attack, Clean, RobustEvaluation, build_attack, check_epsilon, load_heads
from ..attacks import predicted_correct
from ..models.adversarial_wrapper import network_of

SEGMENTATION_ATTACK = re.compile(r'^pgd(\d+)$')


class UnitRangeSegmentor(nn.Module):
    """``x`` in [0, 1] -> the segmentor's logits at the input size, through the preprocessor's
    normalisation ``(255 x - mean) / std`` (see the module docstring)."""

    def __init__(self, segmentor: BaseSegmentor, mean: Tensor, std: Tensor):
        super().__init__()
        self.segmentor = segmentor
        self.register_buffer('mean', mean.view(1, -1, 1, 1), persistent=False)
        self.register_buffer('std', std.view(1, -1, 1, 1), persistent=False)

    def normalise(self, images: Tensor) -> Tensor:
        return (images * 255 - self.mean) / self.std

    def to_unit_range(self, inputs: Tensor) -> Tensor:
        # The exact inverse up to rounding; the clamp removes the rounding's 1e-7 excursions.
        return ((inputs * self.std + self.mean) / 255).clamp(0, 1)

    def forward(self, images: Tensor) -> Tensor:
        logits = self.segmentor(self.normalise(images), mode='tensor')
        return F.interpolate(logits, size=images.shape[-2:], mode='bilinear',
                             align_corners=getattr(self.segmentor.decode_head, 'align_corners', False))


def segmentation_labels(data_samples, input_shape: Sequence[int], ignore_index: int) -> Tensor:
    """(N, H, W) long labels at the model input's size: each map resized (nearest) to the image's
    ``img_shape`` and padded with ``ignore_index`` to the batch's padded size."""
    labels = []
    for sample in data_samples:
        label = sample.gt_sem_seg.data.float().unsqueeze(0)
        height, width = sample.metainfo.get('img_shape', input_shape)
        label = F.interpolate(label, size=(height, width), mode='nearest')[0, 0].long()
        labels.append(F.pad(label, (0, input_shape[1] - width, 0, input_shape[0] - height), value=ignore_index))
    return torch.stack(labels)


@LOOPS.register_module()
class RobustTestLoop(BaseLoop):
    """Args:
        runner, dataloader: as mmengine's ``TestLoop``.
        evaluator: the config's evaluator (segmentors: one copy per attack; classifiers: unused).
        attacks: names (``slim_mmseg.attacks.ATTACKS``; segmentors: ``clean`` and ``pgd<n>``).
        eps: L-infinity budget in [0, 1] pixel units (default 8/255).
        attack_options: per attack name, keyword arguments of its class (e.g. ``pgd20=dict(step_size=0.003)``,
            ``lafeat=dict(heads_file='heads.pth')``, ``ssa=dict(feature_layer='pool')``).
    """

    def __init__(self, runner, dataloader: Union[DataLoader, Dict], evaluator: Union[Evaluator, Dict, List] = None,
                 attacks: Sequence[str] = ('clean', 'pgd20'), eps: float = 8 / 255,
                 attack_options: Optional[Dict[str, dict]] = None):
        super().__init__(runner, dataloader)
        check_epsilon(eps)
        self.attack_names, self.eps = list(attacks), eps
        self.attack_options = dict(attack_options or {})
        self.model = network_of(runner.model)
        self.segmentation = isinstance(self.model, BaseSegmentor)
        if self.segmentation:
            unsupported = [n for n in self.attack_names if n != 'clean' and not SEGMENTATION_ATTACK.match(n)]
            if unsupported:
                raise ValueError(f'attacks {unsupported} are classification only (AutoAttack, LAFEAT and SSA '
                                 f'need image-level logits); segmentors support clean and pgd<n> (e.g. pgd20)')
            if evaluator is None:
                raise ValueError('a segmentor needs an evaluator (e.g. MultiDomainIoUMetric) in the robust test loop')
            self.evaluators = {name: runner.build_evaluator(evaluator) for name in self.attack_names}
            for instance in self.evaluators.values():
                instance.dataset_meta = getattr(self.dataloader.dataset, 'metainfo', None)

    def build_attacks(self, attacked: nn.Module) -> Dict[str, Attack]:
        attacks = {}
        for name in self.attack_names:
            options = dict(self.attack_options.get(name, {}))
            if self.segmentation:
                steps = SEGMENTATION_ATTACK.match(name)
                attacks[name] = Clean(attacked) if name == 'clean' else PGD(
                    attacked, eps=self.eps, **{'steps': int(steps.group(1)),
                                               'ignore_index': self.model.decode_head.ignore_index, **options})
                continue
            if name == 'lafeat':
                if 'heads_file' not in options:
                    raise ValueError("lafeat needs trained heads: attack_options=dict(lafeat=dict(heads_file=...)), a "
                                     'file that tools/robust_test.py writes to WORK_DIR/lafeat_heads/')
                options['heads'] = load_heads(options.pop('heads_file'))
            if name in ('ssa', 'ssah'):
                options.setdefault('feature_layer', 'pool')     # ImageClassifier's pooled feature
            attacks[name] = build_attack(name, attacked, eps=self.eps, **options)
        return attacks

    def run(self) -> dict:
        self.runner.call_hook('before_test')
        self.runner.call_hook('before_test_epoch')
        self.runner.model.eval()
        metrics = self.run_segmentation() if self.segmentation else self.run_classification()
        self.runner.call_hook('after_test_epoch', metrics=metrics)
        self.runner.call_hook('after_test')
        return metrics

    def run_classification(self) -> dict:
        attacks = self.build_attacks(self.model)
        evaluation = RobustEvaluation()
        for index, data_batch in enumerate(self.dataloader):
            self.runner.call_hook('before_test_iter', batch_idx=index, data_batch=data_batch)
            data = self.model.data_preprocessor(data_batch, False)
            images = data['inputs']
            labels = torch.stack([sample.gt_label for sample in data['data_samples']]).to(images.device)
            for name, attack in attacks.items():
                adversarial = attack(images, labels)
                evaluation.add(name, predicted_correct(self.model, adversarial, labels), adversarial - images)
            self.runner.call_hook('after_test_iter', batch_idx=index, data_batch=data_batch, outputs=None)
        metrics = {f'robust/{name}/{key}': value for name, row in evaluation.summary().items()
                   for key, value in row.items() if key != 'samples'}
        print_log('robust accuracy: ' + ', '.join(f'{name} {metrics[f"robust/{name}/accuracy"]:.2f}'
                                                 for name in [*attacks, WORST_CASE]), logger='current')
        return metrics

    def run_segmentation(self) -> dict:
        preprocessor = self.model.data_preprocessor
        if not getattr(preprocessor, '_enable_normalize', False):
            raise ValueError('the robust segmentation loop maps eps through the data preprocessor\'s mean/std; '
                             'this preprocessor does not normalise (give it mean and std)')
        attacked = UnitRangeSegmentor(self.model, preprocessor.mean.flatten(), preprocessor.std.flatten())
        attacks = self.build_attacks(attacked)
        for index, data_batch in enumerate(self.dataloader):
            self.runner.call_hook('before_test_iter', batch_idx=index, data_batch=data_batch)
            data = preprocessor(data_batch, False)
            images = attacked.to_unit_range(data['inputs'])
            labels = segmentation_labels(data['data_samples'], images.shape[-2:], self.model.decode_head.ignore_index)
            for name, attack in attacks.items():
                adversarial = attacked.normalise(attack(images, labels.to(images.device)))
                with torch.no_grad():
                    outputs = self.model(adversarial, [s.clone() for s in data['data_samples']], mode='predict')
                self.evaluators[name].process(data_samples=outputs, data_batch=data_batch)
            self.runner.call_hook('after_test_iter', batch_idx=index, data_batch=data_batch, outputs=None)
        metrics = {}
        for name, evaluator in self.evaluators.items():
            metrics.update({f'{name}/{key}': value
                            for key, value in evaluator.evaluate(len(self.dataloader.dataset)).items()})
        return metrics

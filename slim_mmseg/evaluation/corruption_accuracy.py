"""CIFAR-10-C accuracy, the AugMix protocol: the accuracy of each corruption over all its images
(every severity), then the unweighted mean over corruptions; plus the corruption x severity table.

Samples carry ``domain`` (the corruption name, or e.g. 'clean' for the uncorrupted test set) and,
for corrupted images, ``severity``. Keys (percentages): ``<corruption>/accuracy``,
``<corruption>/severity<k>/accuracy``, ``severity<k>/accuracy`` (mean over corruptions),
``corruption_mean/accuracy`` and, for domains without severity, ``<domain>/accuracy``.
"""
import warnings
from collections import defaultdict
from typing import Dict, List, Optional, Sequence

from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmseg.registry import METRICS

from slim_mmseg.datasets.cifar10c import CIFAR10C_CORRUPTIONS

from .multi_domain_accuracy import correct_and_domain


def corruption_table(metrics: Dict[str, float], corruptions: Sequence[str],
                     severities: Sequence[int]) -> str:
    """Markdown table: one row per corruption, one column per severity, then the average."""
    header = ['corruption'] + [f'severity {s}' for s in severities] + ['all']
    rows = [header, ['---'] * len(header)]
    for name, prefix in [(c, f'{c}/') for c in corruptions] + [('mean', '')]:
        cells = [metrics.get(f'{prefix}severity{s}/accuracy') for s in severities]
        total = metrics.get(f'{prefix}accuracy' if prefix else 'corruption_mean/accuracy')
        rows.append([name] + ['-' if v is None else f'{v:.2f}' for v in cells + [total]])
    return '\n'.join('| ' + ' | '.join(row) + ' |' for row in rows)


@METRICS.register_module()
class CorruptionAccuracy(BaseMetric):
    """Args:
        expected_corruptions: corruptions the mean should cover (default: the 15 of CIFAR-10-C);
            a mean over fewer is still reported but warned about, naming the missing ones.
        collect_device / prefix: as in :class:`mmengine.evaluator.BaseMetric`.
    """

    def __init__(self,
                 expected_corruptions: Sequence[str] = CIFAR10C_CORRUPTIONS,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.expected_corruptions = tuple(expected_corruptions)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            correct, domain = correct_and_domain(sample)
            if domain is None:
                raise KeyError("CorruptionAccuracy needs a 'domain' metainfo key per sample")
            self.results.append((domain, sample.get('severity'), correct))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        correct, total = defaultdict(int), defaultdict(int)
        for domain, severity, is_correct in results:
            for key in [(domain, None)] + ([(domain, severity)] if severity is not None else []):
                correct[key] += is_correct
                total[key] += 1
        accuracy = {key: 100. * correct[key] / total[key] for key in total}
        corruptions = sorted({d for d, s in total if s is not None},
                             key=lambda c: (c not in CIFAR10C_CORRUPTIONS,
                                            CIFAR10C_CORRUPTIONS.index(c)
                                            if c in CIFAR10C_CORRUPTIONS else c))
        severities = sorted({s for _, s in total if s is not None})
        metrics = {f'{d}/accuracy': accuracy[(d, None)]
                   for d, s in sorted(total, key=str) if s is None}
        for corruption in corruptions:
            for severity in severities:
                if (corruption, severity) in accuracy:
                    metrics[f'{corruption}/severity{severity}/accuracy'] = \
                        accuracy[(corruption, severity)]
        for severity in severities:
            per_corruption = [accuracy[(c, severity)] for c in corruptions
                              if (c, severity) in accuracy]
            metrics[f'severity{severity}/accuracy'] = sum(per_corruption) / len(per_corruption)
        if corruptions:
            metrics['corruption_mean/accuracy'] = sum(
                accuracy[(c, None)] for c in corruptions) / len(corruptions)
            missing = [c for c in self.expected_corruptions if c not in corruptions]
            if missing:
                warnings.warn(f'corruption_mean/accuracy averages {len(corruptions)} '
                              f'corruptions; missing from the evaluated data: {missing}')
            print_log('CIFAR-10-C accuracy (%):\n' +
                      corruption_table(metrics, corruptions, severities), logger='current')
        return metrics

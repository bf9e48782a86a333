"""Top-1 accuracy per domain, for domain-generalisation classification.

Data samples carry a ``domain`` metainfo key (set by the datasets); accuracies are percentages.
Keys, named like :class:`MultiDomainIoUMetric`'s: ``<domain>/accuracy`` for every domain seen,
``accuracy`` over all samples, and ``<mean_name>/accuracy``, the unweighted mean over
``target_domains`` (the DG convention: each domain counts once, whatever its size).
"""
from collections import defaultdict
from typing import Dict, List, Optional, Sequence

from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmseg.registry import METRICS


def correct_and_domain(sample: dict) -> tuple:
    if 'pred_label' not in sample or 'gt_label' not in sample:
        raise KeyError('accuracy metrics need data samples with pred_label and gt_label; '
                       'does the dataset pipeline end with PackClsInputs?')
    return bool(int(sample['pred_label']) == int(sample['gt_label'])), sample.get('domain')


@METRICS.register_module()
class MultiDomainAccuracy(BaseMetric):
    """Args:
        target_domains: domains averaged into ``<mean_name>/accuracy``; every one must appear in
            the evaluated data (a missing one is an error, not a silently smaller mean). Empty:
            no mean.
        mean_name: e.g. 'target_mean' over held-out domains, or 'source_val_mean' over the
            sources' validation splits (the model-selection key).
        collect_device / prefix: as in :class:`mmengine.evaluator.BaseMetric`.
    """

    def __init__(self,
                 target_domains: Sequence[str] = (),
                 mean_name: str = 'target_mean',
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.target_domains = tuple(target_domains)
        self.mean_name = mean_name

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            correct, domain = correct_and_domain(sample)
            if domain is None:
                raise KeyError("MultiDomainAccuracy needs a 'domain' metainfo key per sample")
            self.results.append((domain, correct))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        correct, total = defaultdict(int), defaultdict(int)
        for domain, is_correct in results:
            correct[domain] += is_correct
            total[domain] += 1
        metrics = {f'{domain}/accuracy': 100. * correct[domain] / total[domain]
                   for domain in sorted(total)}
        metrics['accuracy'] = 100. * sum(correct.values()) / sum(total.values())
        missing = [domain for domain in self.target_domains if domain not in total]
        if missing:
            raise KeyError(f'target domains {missing} are not in the evaluated data (domains '
                           f'seen: {sorted(total)}); check the datasets of the evaluated loader')
        if self.target_domains:
            metrics[f'{self.mean_name}/accuracy'] = sum(
                metrics[f'{domain}/accuracy'] for domain in self.target_domains) / len(
                    self.target_domains)
        print_log('accuracy per domain: ' + ', '.join(
            f'{domain} {metrics[f"{domain}/accuracy"]:.2f} ({total[domain]} images)'
            for domain in sorted(total)), logger='current')
        return metrics

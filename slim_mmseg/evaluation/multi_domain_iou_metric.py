"""Semantic-segmentation IoU per domain, for domain generalisation over several target domains."""
from collections import OrderedDict, defaultdict
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS
from prettytable import PrettyTable


@METRICS.register_module()
class MultiDomainIoUMetric(BaseMetric):
    """mIoU (and aAcc, mAcc, optionally mDice/mFscore) per domain, plus the mean over target domains.

    Every data sample must carry ``metainfo['domain']``: give each dataset of the val/test
    ``ConcatDataset`` a ``domain='<name>'`` (GTA5Dataset, CityscapesDomainDataset, any DomainTagMixin
    dataset) and list ``'domain'`` in ``PackSegInputs(meta_keys=...)``. Intersections and unions are
    summed per domain over all pixels of all its images (as mmseg's IoUMetric does for one dataset),
    so the numbers do not depend on batch size, sample order or file names.

    Output keys (percentages): ``<domain>/aAcc``, ``<domain>/mIoU``, ``<domain>/mAcc`` for every domain
    seen (plus ``<domain>/mDice`` ... when requested), ``<mean_name>/<key>`` the unweighted mean over
    ``target_domains`` (each target counts once, whatever its size: the DG convention) and, with
    ``per_class=True``, ``<domain>/IoU.<class name>`` for every class (NaN for a class that is neither in
    the ground truth nor predicted in that domain; such classes are left out of mIoU, as in mmseg).
    A per-class IoU table (classes x domains) is always logged.

    Model selection must use the source validation domain only, e.g.
    ``CheckpointHook(save_best='source_val/mIoU', rule='greater')``; targets are reported, never
    selected on.

    Args:
        target_domains: domains averaged into ``<mean_name>/...``. Every one must appear in the
            evaluated data (a missing one is an error, not a silently smaller mean). Empty: no mean.
        mean_name: prefix of the target mean keys.
        per_class: also return the per-class IoU of every domain (e.g. for JSON dumps).
        ignore_index: label value that is not evaluated.
        iou_metrics: any of 'mIoU', 'mDice', 'mFscore' (as mmseg's IoUMetric).
        collect_device / prefix: as in :class:`mmengine.evaluator.BaseMetric`.
    """

    def __init__(self,
                 target_domains: Sequence[str] = (),
                 mean_name: str = 'target_mean',
                 per_class: bool = False,
                 ignore_index: int = 255,
                 iou_metrics: Sequence[str] = ('mIoU', ),
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        unsupported = set(iou_metrics) - {'mIoU', 'mDice', 'mFscore'}
        if unsupported:
            raise KeyError(f'iou_metrics {sorted(unsupported)} not supported; valid: mIoU, mDice, mFscore')
        self.target_domains = list(target_domains)
        self.mean_name = mean_name
        self.per_class = per_class
        self.ignore_index = ignore_index
        self.iou_metrics = list(iou_metrics)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        num_classes = len(self.dataset_meta['classes'])
        for sample in data_samples:
            domain = sample.get('domain')
            if domain is None:
                raise KeyError(
                    f"MultiDomainIoUMetric: the data sample of {sample.get('img_path')} has no 'domain' in "
                    f"its metainfo. Give each evaluated dataset domain='<name>' and add 'domain' to "
                    f"PackSegInputs(meta_keys=...) in the test pipeline.")
            pred = sample['pred_sem_seg']['data'].squeeze()
            label = sample['gt_sem_seg']['data'].squeeze().to(pred)
            areas = IoUMetric.intersect_and_union(pred, label, num_classes, self.ignore_index)
            self.results.append((domain, torch.stack(areas).numpy()))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        totals: Dict[str, np.ndarray] = defaultdict(lambda: 0)
        images: Dict[str, int] = defaultdict(int)
        for domain, areas in results:
            totals[domain] = totals[domain] + areas.astype(np.float64)
            images[domain] += 1
        missing = [d for d in self.target_domains if d not in totals]
        if missing:
            raise KeyError(f'target domains {missing} were not in the evaluated data (seen: '
                           f'{sorted(totals)}); check the domain= names of the test datasets')

        class_names = self.dataset_meta['classes']
        metrics: Dict[str, float] = OrderedDict()
        class_iou = {}
        for domain in sorted(totals):
            intersect, union, pred_area, label_area = (torch.from_numpy(a) for a in totals[domain])
            with np.errstate(divide='ignore', invalid='ignore'):
                per_metric = IoUMetric.total_area_to_metrics(intersect, union, pred_area, label_area,
                                                             self.iou_metrics)
            class_iou[domain] = per_metric['IoU'] * 100 if 'IoU' in per_metric else None
            for key, values in per_metric.items():
                name = key if key == 'aAcc' else 'm' + key
                metrics[f'{domain}/{name}'] = float(np.nanmean(values) * 100)
            if self.per_class and class_iou[domain] is not None:
                for name, iou in zip(class_names, class_iou[domain]):
                    metrics[f'{domain}/IoU.{name}'] = float(iou)

        if self.target_domains:
            for key in [k.split('/', 1)[1] for k in metrics if k.startswith(f'{self.target_domains[0]}/')]:
                if not key.startswith('IoU.'):
                    metrics[f'{self.mean_name}/{key}'] = float(
                        np.mean([metrics[f'{d}/{key}'] for d in self.target_domains]))
        self._log_tables(class_names, class_iou, images, metrics)
        return metrics

    def _log_tables(self, class_names, class_iou, images, metrics) -> None:
        domains = [d for d in sorted(class_iou) if class_iou[d] is not None]
        if domains:
            table = PrettyTable()
            table.add_column('Class', list(class_names))
            for domain in domains:
                table.add_column(domain, [f'{v:.2f}' for v in class_iou[domain]])
            print_log('per-class IoU per domain:\n' + table.get_string(), logger='current')
        summary = PrettyTable(['Domain', 'images', 'mIoU', 'aAcc'])
        for domain in sorted(images):
            summary.add_row([domain, images[domain], f"{metrics.get(f'{domain}/mIoU', float('nan')):.2f}",
                             f"{metrics[f'{domain}/aAcc']:.2f}"])
        if self.target_domains:
            summary.add_row([self.mean_name, sum(images[d] for d in self.target_domains),
                             f"{metrics.get(f'{self.mean_name}/mIoU', float('nan')):.2f}",
                             f"{metrics[f'{self.mean_name}/aAcc']:.2f}"])
        print_log('summary per domain:\n' + summary.get_string(), logger='current')

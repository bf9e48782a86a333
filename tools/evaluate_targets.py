"""Evaluate one checkpoint on every target domain and print the DG table.

    python tools/evaluate_targets.py CONFIG CHECKPOINT [--work-dir DIR] [--batch-size N]
        [--targets cityscapes bdd100k mapillary] [--cfg-options KEY=VALUE ...]
        [--launcher {none,pytorch}]

The config's ``test_dataloader`` (a ``ConcatDataset`` of domain-tagged target datasets) and its
``MultiDomainIoUMetric`` do the work: intersections and unions are summed over all pixels of each
target, so neither the batch size nor file names or order change the numbers. Printed: mIoU per
target, their unweighted mean, and per-class IoU (classes x targets). The same numbers go to
``<work dir>/targets_<checkpoint name>.json``.
"""
import argparse
import math
import os
import os.path as osp
import sys

# This checkout's slim_mmseg, whatever the working directory.
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.dist import is_main_process  # noqa: E402
from mmengine.runner import Runner  # noqa: E402
from prettytable import PrettyTable  # noqa: E402

from slim_mmseg.engine import prepare_cpu_distributed, write_report  # noqa: E402  (registers slim_mmseg's adapters)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Evaluate a checkpoint on all target domains')
    parser.add_argument('config', help='config whose test_dataloader holds the targets')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='where logs and the JSON table go')
    parser.add_argument('--batch-size', type=int, help='test batch size (images of one batch '
                        'must share their size: keep 1 for Mapillary)')
    parser.add_argument('--targets', nargs='+', help='evaluate only these domains')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, as in tools/train.py')
    parser.add_argument('--launcher', choices=['none', 'pytorch'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def target_datasets(cfg):
    dataset = cfg.test_dataloader.dataset
    # ConcatDataset or MultiDomainDataset (a ConcatDataset with the inference pipeline)
    datasets = dataset.datasets if 'datasets' in dataset else [dataset]
    missing = [d.type for d in datasets if not d.get('domain')]
    if missing:
        raise ValueError(f'test_dataloader datasets {missing} have no domain=...: '
                         'MultiDomainIoUMetric could not tell the targets apart.')
    return datasets


def select_targets(cfg, targets):
    """Restricts the test set and the metric's target mean to ``targets``."""
    datasets = target_datasets(cfg)
    available = [d.domain for d in datasets]
    unknown = [t for t in targets if t not in available]
    if unknown:
        raise ValueError(f'--targets {unknown} not in the config; available: {available}')
    cfg.test_dataloader.dataset = dict(
        type='ConcatDataset', datasets=[d for d in datasets if d.domain in targets])
    cfg.test_evaluator.target_domains = list(targets)


def build_config(args):
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if cfg.test_evaluator.get('type') != 'MultiDomainIoUMetric':
        raise ValueError(f'{args.config}: test_evaluator must be MultiDomainIoUMetric, got '
                         f"{cfg.test_evaluator.get('type')}")
    if args.targets:
        select_targets(cfg, args.targets)
    elif not cfg.test_evaluator.get('target_domains'):
        cfg.test_evaluator.target_domains = [d.domain for d in target_datasets(cfg)]
    cfg.test_evaluator.per_class = True
    if args.batch_size:
        cfg.test_dataloader.batch_size = args.batch_size
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    cfg.resume = False
    return cfg


def target_table(metrics, targets, class_names, mean_name='target_mean'):
    """The evaluation as plain data: mIoU per target, their mean and per-class IoU."""
    def number(value):
        return None if value is None or math.isnan(value) else round(float(value), 4)

    return dict(
        targets=list(targets),
        mIoU={t: number(metrics[f'{t}/mIoU']) for t in targets},
        mean_mIoU=number(metrics[f'{mean_name}/mIoU']),
        per_class_IoU={t: {c: number(metrics.get(f'{t}/IoU.{c}')) for c in class_names}
                       for t in targets})


def format_table(table):
    def cell(value):
        return 'n/a' if value is None else f'{value:.2f}'

    grid = PrettyTable(['class'] + table['targets'])
    for name in next(iter(table['per_class_IoU'].values())):
        grid.add_row([name] + [cell(table['per_class_IoU'][t][name]) for t in table['targets']])
    summary = PrettyTable(['target', 'mIoU'])
    for target in table['targets']:
        summary.add_row([target, cell(table['mIoU'][target])])
    summary.add_row(['mean over targets', cell(table['mean_mIoU'])])
    return (f'{summary.get_string()}\nPer-class IoU (n/a: class neither in the labels nor '
            f'predicted):\n{grid.get_string()}')


def main(argv=None):
    args = parse_args(argv)
    cfg = build_config(args)
    prepare_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    if not is_main_process():
        return None
    table = target_table(metrics, cfg.test_evaluator.target_domains,
                         runner.test_dataloader.dataset.metainfo['classes'],
                         cfg.test_evaluator.get('mean_name', 'target_mean'))
    table.update(config=args.config, checkpoint=args.checkpoint)
    write_report(table, format_table(table), cfg.work_dir, 'targets', args.checkpoint)
    return table


if __name__ == '__main__':
    main()

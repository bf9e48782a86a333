"""Evaluate one checkpoint on SynthStreets-C: mIoU per corruption x severity and the mean.

    python tools/evaluate_corruptions.py CONFIG CHECKPOINT [--data-root data/synthstreets_c]
        [--corruptions fog rain ...] [--work-dir DIR] [--batch-size N] [--cfg-options KEY=VALUE ...]

SynthStreets-C comes from ``tools/make_synthstreets_c.py``. Every corruption-severity pair (and the
clean images) is one domain of a ``MultiDomainIoUMetric`` run over the config's model and
``test_pipeline``: intersections and unions are summed over all pixels of a domain. Printed: the
table (rows: corruptions; columns: severities 1-5 and their mean), the clean mIoU and the mean
corruption mIoU (the unweighted mean over all corruption-severity pairs, as Cityscapes-C /
ImageNet-C report it). Written: ``<work dir>/corruptions_<checkpoint name>.json``.
"""
import argparse
import math
import os.path as osp
import sys

# This checkout's slim_mmseg, whatever the working directory.
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.runner import Runner  # noqa: E402
from prettytable import PrettyTable  # noqa: E402

from slim_mmseg.engine import write_report  # noqa: E402
from slim_mmseg.synthstreets.corruptions import (CLEAN, CORRUPTIONS, LABEL_FOLDER, MANIFEST_NAME,  # noqa: E402
                                                 SEVERITIES, domain_name, image_folder)

MEAN_NAME = 'mean_corruption'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='config the checkpoint was trained with (its model and test_pipeline)')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--data-root', default='data/synthstreets_c', help='SynthStreets-C root '
                        '(default: %(default)s)')
    parser.add_argument('--corruptions', nargs='+', default=list(CORRUPTIONS), choices=CORRUPTIONS)
    parser.add_argument('--work-dir', help='where logs and the JSON table go')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, as in tools/train.py')
    return parser.parse_args(argv)


def corruption_domains(corruptions):
    """(domain name, image folder) for the clean set and every corruption-severity pair."""
    return [(domain_name(CLEAN, 0), image_folder(CLEAN, 0))] + [
        (domain_name(c, s), image_folder(c, s)) for c in corruptions for s in SEVERITIES]


def build_config(args):
    manifest = osp.join(args.data_root, MANIFEST_NAME)
    if not osp.isfile(manifest):
        raise FileNotFoundError(f'no SynthStreets-C at {osp.abspath(args.data_root)} ({MANIFEST_NAME} '
                                'missing). Create it: python tools/make_synthstreets_c.py --out '
                                f'{args.data_root}')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if 'test_pipeline' not in cfg:
        raise KeyError(f'{args.config} defines no top-level test_pipeline (the pipeline of new images)')
    # SynthStreets-C labels are train ids, read by the LoadAnnotations of the config's test_pipeline
    # (the Cityscapes-layout pipeline); the metric needs each sample's domain.
    pipeline = cfg.test_pipeline
    types = [t['type'] for t in pipeline]
    if 'LoadAnnotations' not in types or 'domain' not in pipeline[-1].get('meta_keys', ()):
        raise ValueError(f'{args.config}: test_pipeline must load annotations (LoadAnnotations) and '
                         "pack 'domain' (PackSegInputs(meta_keys=(..., 'domain'))), got {types}")
    domains = corruption_domains(args.corruptions)
    datasets = [dict(type='CityscapesDomainDataset', data_root=args.data_root,
                     data_prefix=dict(img_path=folder, seg_map_path=LABEL_FOLDER), domain=name,
                     pipeline=pipeline) for name, folder in domains]
    cfg.test_dataloader = dict(
        batch_size=args.batch_size, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=False),
        dataset=dict(type='MultiDomainDataset', datasets=datasets, pipeline=cfg.test_pipeline))
    cfg.test_evaluator = dict(type='MultiDomainIoUMetric', target_domains=[name for name, _ in domains[1:]],
                              mean_name=MEAN_NAME)
    cfg.test_cfg = dict(type='TestLoop')
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    cfg.resume = False
    # The evaluation needs no drawing (mmseg's visualization hook would draw every 50th image).
    cfg.default_hooks.pop('visualization', None)
    return cfg


def corruption_table(metrics, corruptions):
    """The evaluation as plain data: mIoU[corruption][severity], means, clean and mean corruption mIoU."""
    def number(value):
        return None if value is None or math.isnan(value) else round(float(value), 2)

    miou = {c: {str(s): number(metrics[f'{domain_name(c, s)}/mIoU']) for s in SEVERITIES}
            for c in corruptions}
    return dict(
        corruptions=list(corruptions), severities=list(SEVERITIES), mIoU=miou,
        corruption_mean={c: number(sum(miou[c].values()) / len(SEVERITIES)) for c in corruptions},
        severity_mean={str(s): number(sum(miou[c][str(s)] for c in corruptions) / len(corruptions))
                       for s in SEVERITIES},
        clean_mIoU=number(metrics[f'{CLEAN}/mIoU']),
        mean_corruption_mIoU=number(metrics[f'{MEAN_NAME}/mIoU']))


def format_table(table):
    grid = PrettyTable(['corruption'] + [f's{s}' for s in table['severities']] + ['mean'])
    for c in table['corruptions']:
        grid.add_row([c] + [f'{table["mIoU"][c][str(s)]:.2f}' for s in table['severities']]
                     + [f'{table["corruption_mean"][c]:.2f}'])
    grid.add_row(['mean'] + [f'{table["severity_mean"][str(s)]:.2f}' for s in table['severities']]
                 + [f'{table["mean_corruption_mIoU"]:.2f}'])
    return (f'{grid.get_string()}\nclean mIoU {table["clean_mIoU"]:.2f}, mean corruption mIoU '
            f'{table["mean_corruption_mIoU"]:.2f}')


def main(argv=None):
    args = parse_args(argv)
    cfg = build_config(args)
    metrics = Runner.from_cfg(cfg).test()
    table = corruption_table(metrics, args.corruptions)
    table.update(config=args.config, checkpoint=args.checkpoint, data_root=args.data_root)
    write_report(table, format_table(table), cfg.work_dir, 'corruptions', args.checkpoint)
    return table


if __name__ == '__main__':
    main()

"""The attack-strength control of docs/evidence.md: which weakened PGD-AT matches SLIM's training attack.

    python tools/evidence/attack_control.py WORK_ROOT [--seed 0]

Reads the seed's training logs (``WORK_ROOT/<run>/seed<k>/<timestamp>/vis_data/scalars.json``) and,
per run, the mean of the logged training adversarial cross-entropy (``loss_adv_ce``) over the last
epoch. The target is the PGD-AT + SLIM row (one per scale) with the lowest such loss, i.e. the scale
whose training attack is weakest; the control is the weakened PGD-AT of ``CONTROLS`` whose loss is
closest to it. Prints the control's config path, or nothing (exit 0) while a needed training has not
finished; ``--table`` also prints every run's loss.
"""
import argparse
import glob
import json
import os.path as osp
import statistics
import sys
from typing import Optional

CONFIG_DIR = 'configs/fashion_mnist_evidence'
SLIM_ROWS = ('at_pgd-at_slim-mean', 'at_pgd-at_slim-paper', 'at_pgd-at_slim-balanced')
CONTROLS = ('at_pgd-at_step0.0125', 'at_pgd-at_step0.00625', 'at_pgd-at_step0.003125')
KEY = 'loss_adv_ce'


def last_epoch_loss(work_dir: str) -> Optional[float]:
    """Mean ``loss_adv_ce`` over the last epoch's log lines; None unless the training finished."""
    if not osp.isfile(osp.join(work_dir, 'train_done')):
        return None
    lines = []
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            lines.extend(json.loads(line) for line in f if line.strip())
    train = [line for line in lines if KEY in line and 'epoch' in line]
    if not train:
        raise ValueError(f'{work_dir}: no {KEY} in its training logs')
    last = max(line['epoch'] for line in train)
    return statistics.fmean(line[KEY] for line in train if line['epoch'] == last)


def choose(losses: dict) -> Optional[str]:
    """The control run name given {run name: loss or None}; None while a needed loss is missing."""
    if any(losses.get(name) is None for name in SLIM_ROWS + CONTROLS):
        return None
    target = min(losses[name] for name in SLIM_ROWS)
    return min(CONTROLS, key=lambda name: abs(losses[name] - target))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('work_root')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--table', action='store_true')
    args = parser.parse_args(argv)
    losses = {name: last_epoch_loss(osp.join(args.work_root, name, f'seed{args.seed}'))
              for name in ('at_pgd-at',) + SLIM_ROWS + CONTROLS}
    if args.table:
        for name, loss in losses.items():
            print(f'# {name}: ' + ('not finished' if loss is None else f'{loss:.4f}'), file=sys.stderr)
    control = choose(losses)
    if control:
        print(osp.join(CONFIG_DIR, f'{control}.py'))


if __name__ == '__main__':
    main()

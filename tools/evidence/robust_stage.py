"""The stronger-attack stage of docs/evidence.md: AutoAttack (standard), LAFEAT and SSA on the first
1,000 test images for the short-schedule PGD-AT, TRADES and SLIM rows, one record per run.

    python tools/evidence/robust_stage.py WORK_ROOT [--num-samples 1000] [--records ROBUST.jsonl] [--shard K/N]

For every record of ``WORK_ROOT/at/records.jsonl`` whose name is in ``ROWS`` and that has no record in
``--records`` yet (default ``WORK_ROOT/at/robust.jsonl``), ``tools/robust_test.py`` attacks its checkpoint
(ε = 0.1; LAFEAT's heads on the small CNN's last two stages; SSA on the pooled feature) into
``<run work dir>/robust``; the summary's accuracies go into a record ``{"name", "seed", "checkpoint",
"metrics": {"<attack>/accuracy": ...}, "seconds"}``, with ``worst_case/accuracy`` the per-sample worst
case over the three attacks. Interrupted: rerun it; finished runs are skipped. ``--shard K/N`` evaluates every
N-th run from the K-th (``stage_records.py``): ``tools/evidence/run.sh`` starts two workers, 0/2 and 1/2.
"""
import argparse
import glob
import json
import os.path as osp
import sys

from stage_records import evaluate_runs, parse_shard, read_jsonl

TOOLS = osp.dirname(osp.dirname(osp.abspath(__file__)))
ROWS = ('at_pgd-at', 'at_trades', 'at_pgd-at_slim-mean', 'at_pgd-at_slim-paper', 'at_pgd-at_slim-balanced',
        'at_trades_slim-mean', 'at_trades_slim-paper', 'at_trades_slim-balanced')
ATTACKS = ('autoattack', 'lafeat', 'ssa')
LAFEAT_LAYERS = ('backbone.layer2', 'backbone.layer3')


def command(record: dict, num_samples: int, work_dir: str) -> list:
    return [sys.executable, osp.join(TOOLS, 'robust_test.py'), record['config'], record['checkpoint'],
            '--attacks', *ATTACKS, '--eps', '0.1', '--pgd-step-size', '0.0125', '--num-samples', str(num_samples),
            '--lafeat-layers', *LAFEAT_LAYERS, '--work-dir', work_dir, '--seed', '0']


def summary_metrics(work_dir: str) -> dict:
    reports = sorted(glob.glob(osp.join(work_dir, 'robust_test_*.json')), key=osp.getmtime)
    if not reports:
        raise FileNotFoundError(f'no robust_test_*.json in {work_dir}')
    with open(reports[-1]) as f:
        summary = json.load(f)['summary']
    return {f'{attack}/accuracy': row['accuracy'] for attack, row in summary.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('work_root')
    parser.add_argument('--num-samples', type=int, default=1000)
    parser.add_argument('--records')
    parser.add_argument('--shard', type=parse_shard, default=(0, 1), help='K/N: every N-th run from the K-th')
    args = parser.parse_args(argv)
    out = args.records or osp.join(args.work_root, 'at', 'robust.jsonl')
    runs = [r for r in read_jsonl(osp.join(args.work_root, 'at', 'records.jsonl')) if r['name'] in ROWS]
    evaluate_runs('robust', runs, args.shard, out,
                  lambda record, work_dir: [command(record, args.num_samples, work_dir)], summary_metrics)

if __name__ == '__main__':
    main()

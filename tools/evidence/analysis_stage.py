"""The analysis stage of docs/evidence.md: the paper's Table 5 (clustering accuracy per stage on clean, PGD and
LAFEAT test images) and Fig. 5 (accuracy under Gaussian weight noise) for short-schedule PGD-AT against one
PGD-AT + SLIM scale, every seed both rows have, one record per run.

    python tools/evidence/analysis_stage.py WORK_ROOT [--records ANALYSIS.jsonl] [--max-images 1000] [--shard K/N]

The scale is the protocol's: the one whose mean paired PGD-20 difference to PGD-AT is largest, over the seeds
recorded in ``WORK_ROOT/at/records.jsonl``; it is chosen only once every scale has the protocol's five paired
seeds (before that the stage says so and does nothing), so no later seed can change it. A descriptive analysis:
no verdict rests on the choice.

Per run, ``tools/analysis/clustering_effect.py`` (inputs clean, pgd, lafeat; L-inf ε = 0.1 and PGD-10 with
step 0.025, the training attack; centroids from 1,024 training images; the first ``--max-images`` test
images) and ``tools/analysis/weight_noise.py`` (its σ grid 0-0.05, 5 draws, ``--max-images`` training images)
write into ``<run work dir>/analysis``; the record is ``{"name", "seed", "checkpoint", "scale", "metrics", "seconds"}``
with ``metrics`` keys ``clustering_<input>/<layer>`` (percent) and ``noise_<sigma>/accuracy`` (percent).
Finished runs (in ``--records``, default ``WORK_ROOT/at/analysis.jsonl``) are skipped: rerun to resume.
``--shard K/N`` analyses every N-th run from the K-th (``stage_records.py``), for two workers.
"""
import argparse
import json
import os.path as osp
import statistics
import sys

from stage_records import evaluate_runs, parse_shard, read_jsonl

TOOLS = osp.dirname(osp.dirname(osp.abspath(__file__)))
BASE = 'at_pgd-at'
SCALES = ('mean', 'paper', 'balanced')
PROTOCOL_SEEDS = 5
INPUTS = ('clean', 'pgd', 'lafeat')


def pgd20_by_seed(records: list, name: str) -> dict:
    return {r['seed']: r['metrics']['pgd20/accuracy'] for r in records if r['name'] == name}


def chosen_scale(records: list):
    """The scale with the largest mean paired PGD-20 difference to PGD-AT, or ``None`` while a scale has fewer
    than the protocol's paired seeds."""
    base = pgd20_by_seed(records, BASE)
    means = {}
    for scale in SCALES:
        slim = pgd20_by_seed(records, f'{BASE}_slim-{scale}')
        seeds = sorted(set(base) & set(slim))
        if len(seeds) < PROTOCOL_SEEDS:
            return None
        means[scale] = statistics.fmean(slim[s] - base[s] for s in seeds)
    return max(means, key=means.get)


def commands(record: dict, work_dir: str, max_images: int) -> list:
    model = [record['config'], record['checkpoint']]
    return [
        [sys.executable, osp.join(TOOLS, 'analysis', 'clustering_effect.py'), *model, '--inputs', *INPUTS,
         '--eps', '0.1', '--step-size', '0.025', '--max-train-images', '1024', '--max-images', str(max_images),
         '--work-dir', work_dir, '--seed', '0'],
        [sys.executable, osp.join(TOOLS, 'analysis', 'weight_noise.py'), *model, '--draws', '5', '--split', 'train',
         '--max-images', str(max_images), '--work-dir', work_dir, '--seed', '0'],
    ]


def metrics(work_dir: str) -> dict:
    with open(osp.join(work_dir, 'clustering_effect.json')) as f:
        clustering = json.load(f)
    with open(osp.join(work_dir, 'weight_noise.json')) as f:
        noise = json.load(f)
    values = {f"clustering_{r['inputs']}/{r['layer']}": 100 * r['accuracy'] for r in clustering['records']}
    values.update({f"noise_{r['sigma']:g}/accuracy": 100 * r['accuracy'] for r in noise['records']})
    return values


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('work_root')
    parser.add_argument('--records')
    parser.add_argument('--max-images', type=int, default=1000)
    parser.add_argument('--shard', type=parse_shard, default=(0, 1), help='K/N: every N-th run from the K-th')
    args = parser.parse_args(argv)
    runs = read_jsonl(osp.join(args.work_root, 'at', 'records.jsonl'))
    scale = chosen_scale(runs)
    if scale is None:
        print(f'analysis stage deferred: every PGD-AT + SLIM scale needs {PROTOCOL_SEEDS} seeds paired with PGD-AT')
        return
    names = (BASE, f'{BASE}_slim-{scale}')
    paired = set.intersection(*({r['seed'] for r in runs if r['name'] == name} for name in names))
    out = args.records or osp.join(args.work_root, 'at', 'analysis.jsonl')
    print(f'analysis stage: PGD-AT against scale {scale!r} (largest mean paired PGD-20 difference), '
          f'seeds {sorted(paired)}')
    analysed = [r for r in runs if r['name'] in names and r['seed'] in paired]
    evaluate_runs('analysis', analysed, args.shard, out,
                  lambda record, work_dir: commands(record, work_dir, args.max_images), metrics, scale=scale)

if __name__ == '__main__':
    main()

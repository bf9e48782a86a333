"""Train and test configs x seeds; append one JSON record per run (DomainBed-style sweeps).

    python tools/run_seeds.py CONFIG [CONFIG ...] --seeds 0 1 2 \
        --work-root work_dirs/sweep --records work_dirs/sweep/records.jsonl \
        [--checkpoint best|last [best|last]] [--cfg-options KEY=VALUE ...]

For every config and seed, ``tools/train.py`` trains into ``<work-root>/<config name>/seed<k>``
with ``randomness.seed=k``, then ``tools/test.py`` tests the selected checkpoint: ``best`` is the
``best_*.pth`` that mmengine's CheckpointHook kept for the config's ``save_best`` key (a
validation metric, never a test one), ``last`` the final checkpoint. The test metrics, as logged
by mmengine in ``<test work dir>/<timestamp>/<timestamp>.json``, go into a record::

    {"name": ..., "config": ..., "seed": k, "checkpoint": ..., "metrics": {...},
     "train_seconds": ..., "test_seconds": ...}

With two checkpoints (``--checkpoint best last``) each is tested into its own folder and recorded
under ``<config name>@best`` and ``<config name>@last``.

Resuming: runs whose (name, seed) already has a record are skipped; a training that finished
leaves ``<work dir>/train_done`` and is not repeated (only its test); a training interrupted
mid-way (its work dir holds a checkpoint but no ``train_done``) resumes from its latest
checkpoint through ``train.py --resume``, so at most the epochs since the last checkpoint are lost.
The seconds are those of the last (possibly resumed) attempt.
``tools/make_results_table.py`` turns the records into a mean +- std table.
"""
import argparse
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time

TOOLS = osp.dirname(osp.abspath(__file__))
TRAIN_DONE = 'train_done'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train and test configs over seeds')
    parser.add_argument('configs', nargs='+', help='config files')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--work-root', default='work_dirs/sweep')
    parser.add_argument('--records', help='JSON-lines file of results '
                        '(default: <work-root>/records.jsonl)')
    parser.add_argument('--checkpoint', nargs='+', choices=['best', 'last'], default=['best'],
                        help="checkpoint(s) to test: the config's save_best one and/or the last")
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='passed to both train.py and test.py')
    return parser.parse_args(argv)


def config_name(config: str) -> str:
    return osp.splitext(osp.basename(config))[0]


def read_records(path: str) -> list:
    if not osp.isfile(path):
        return []
    with open(path) as lines:
        return [json.loads(line) for line in lines if line.strip()]


def run(command: list) -> None:
    print('+ ' + ' '.join(command), flush=True)
    subprocess.run(command, check=True)


def select_checkpoint(work_dir: str, which: str) -> str:
    if which == 'best':
        best = sorted(glob.glob(osp.join(work_dir, 'best_*.pth')))
        if len(best) != 1:
            raise FileNotFoundError(
                f'expected one best_*.pth in {work_dir}, found {best}: does the config set '
                f"default_hooks.checkpoint.save_best? Use --checkpoint last otherwise")
        return best[0]
    pointer = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(pointer):
        raise FileNotFoundError(f'{pointer} is missing: training did not save a checkpoint')
    with open(pointer) as text:
        return text.read().strip()


def latest_test_metrics(test_dir: str) -> dict:
    logs = sorted(glob.glob(osp.join(test_dir, '*', '*.json')), key=osp.getmtime)
    if not logs:
        raise FileNotFoundError(f'no test metrics JSON under {test_dir}/<timestamp>/')
    with open(logs[-1]) as text:
        return json.loads(text.read().strip().splitlines()[-1])


def has_checkpoint(work_dir: str) -> bool:
    """Whether an interrupted training left a checkpoint that ``train.py --resume`` can continue."""
    return osp.isfile(osp.join(work_dir, 'last_checkpoint')) or bool(
        glob.glob(osp.join(work_dir, 'epoch_*.pth')) + glob.glob(osp.join(work_dir, 'iter_*.pth')))


def train(config: str, work_dir: str, seed: int, cfg_options: list) -> float:
    """Trains (or finishes training) one run; returns the seconds it took, 0 when already done."""
    done_marker = osp.join(work_dir, TRAIN_DONE)
    if osp.isfile(done_marker):
        print(f'{work_dir}: training already finished', flush=True)
        return 0.0
    resume = ['--resume'] if has_checkpoint(work_dir) else []
    if resume:
        print(f'{work_dir}: resuming the interrupted training from its latest checkpoint', flush=True)
    start = time.perf_counter()
    run([sys.executable, osp.join(TOOLS, 'train.py'), config, '--work-dir', work_dir, *resume,
         '--cfg-options', f'randomness.seed={seed}', *cfg_options])
    seconds = time.perf_counter() - start
    os.makedirs(work_dir, exist_ok=True)
    with open(done_marker, 'w') as marker:
        marker.write(f'{seconds:.1f}\n')
    return seconds


def main(argv=None):
    args = parse_args(argv)
    records_path = args.records or osp.join(args.work_root, 'records.jsonl')
    test_script = osp.join(TOOLS, 'test.py')
    if not osp.isfile(test_script):
        raise FileNotFoundError(f'{test_script} is missing: run_seeds needs the test CLI')
    done = {(r['name'], r['seed']) for r in read_records(records_path)}
    options = ['--cfg-options', *args.cfg_options] if args.cfg_options else []
    several = len(args.checkpoint) > 1
    for config in args.configs:
        base_name = config_name(config)
        for seed in args.seeds:
            names = {which: f'{base_name}@{which}' if several else base_name
                     for which in args.checkpoint}
            missing = [which for which, name in names.items() if (name, seed) not in done]
            if not missing:
                print(f'skipping {base_name} seed {seed}: already in {records_path}', flush=True)
                continue
            work_dir = osp.join(args.work_root, base_name, f'seed{seed}')
            train_seconds = train(config, work_dir, seed, args.cfg_options)
            for which in missing:
                checkpoint = select_checkpoint(work_dir, which)
                test_dir = osp.join(work_dir, f'test_{which}' if several else 'test')
                start = time.perf_counter()
                run([sys.executable, test_script, config, checkpoint, '--work-dir', test_dir,
                     *options])
                record = dict(name=names[which], config=config, seed=seed, checkpoint=checkpoint,
                              metrics=latest_test_metrics(test_dir),
                              train_seconds=round(train_seconds, 1),
                              test_seconds=round(time.perf_counter() - start, 1))
                os.makedirs(osp.dirname(osp.abspath(records_path)), exist_ok=True)
                with open(records_path, 'a') as records:
                    records.write(json.dumps(record) + '\n')


if __name__ == '__main__':
    main()

"""Train and test configs x seeds; append one JSON record per run (DomainBed-style sweeps).

    python tools/run_seeds.py CONFIG [CONFIG ...] --seeds 0 1 2 \
        --work-root work_dirs/sweep --records work_dirs/sweep/records.jsonl \
        [--checkpoint best|last] [--cfg-options KEY=VALUE ...]

For every config and seed, ``tools/train.py`` trains into ``<work-root>/<config name>/seed<k>``
with ``randomness.seed=k``, then ``tools/test.py`` tests the selected checkpoint: ``best`` is the
``best_*.pth`` that mmengine's CheckpointHook kept for the config's ``save_best`` key (a
validation metric, never a test one), ``last`` the final checkpoint. The test metrics, as logged
by mmengine in ``<test work dir>/<timestamp>/<timestamp>.json``, go into a record::

    {"name": ..., "config": ..., "seed": k, "checkpoint": ..., "metrics": {...}}

Runs whose (name, seed) already has a record are skipped, so an interrupted sweep resumes.
``tools/make_results_table.py`` turns the records into a mean +- std table.
"""
import argparse
import glob
import json
import os
import os.path as osp
import subprocess
import sys

TOOLS = osp.dirname(osp.abspath(__file__))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train and test configs over seeds')
    parser.add_argument('configs', nargs='+', help='config files')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--work-root', default='work_dirs/sweep')
    parser.add_argument('--records', help='JSON-lines file of results '
                        '(default: <work-root>/records.jsonl)')
    parser.add_argument('--checkpoint', choices=['best', 'last'], default='best',
                        help="checkpoint to test: the config's save_best one, or the last")
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


def main(argv=None):
    args = parse_args(argv)
    records_path = args.records or osp.join(args.work_root, 'records.jsonl')
    test_script = osp.join(TOOLS, 'test.py')
    if not osp.isfile(test_script):
        raise FileNotFoundError(f'{test_script} is missing: run_seeds needs the test CLI')
    done = {(r['name'], r['seed']) for r in read_records(records_path)}
    options = ['--cfg-options', *args.cfg_options] if args.cfg_options else []
    for config in args.configs:
        name = config_name(config)
        for seed in args.seeds:
            if (name, seed) in done:
                print(f'skipping {name} seed {seed}: already in {records_path}', flush=True)
                continue
            work_dir = osp.join(args.work_root, name, f'seed{seed}')
            run([sys.executable, osp.join(TOOLS, 'train.py'), config, '--work-dir', work_dir,
                 '--cfg-options', f'randomness.seed={seed}', *args.cfg_options])
            checkpoint = select_checkpoint(work_dir, args.checkpoint)
            test_dir = osp.join(work_dir, 'test')
            run([sys.executable, test_script, config, checkpoint, '--work-dir', test_dir,
                 *options])
            record = dict(name=name, config=config, seed=seed, checkpoint=checkpoint,
                          metrics=latest_test_metrics(test_dir))
            os.makedirs(osp.dirname(osp.abspath(records_path)), exist_ok=True)
            with open(records_path, 'a') as records:
                records.write(json.dumps(record) + '\n')


if __name__ == '__main__':
    main()

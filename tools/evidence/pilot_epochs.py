"""The epoch pilot of docs/evidence.md: clean and PGD-20 accuracy of every ``epoch_<k>.pth`` of a
training run on the first N test images, as a markdown table (and JSON).

    python tools/evidence/pilot_epochs.py CONFIG WORK_DIR [--num-samples 1000] [--out pilot.json]

Each checkpoint is tested with ``tools/test.py`` (the config's test loop: clean and PGD-20 on the
first ``--num-samples`` test images); results already in ``--out`` are not recomputed.
"""
import argparse
import glob
import json
import os.path as osp
import re
import subprocess
import sys

TOOLS = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, TOOLS)
from run_seeds import latest_test_metrics  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('work_dir')
    parser.add_argument('--num-samples', type=int, default=1000)
    parser.add_argument('--out', help='JSON of the results (default: WORK_DIR/pilot_epochs.json)')
    return parser.parse_args(argv)


def epoch_checkpoints(work_dir: str) -> dict:
    found = {}
    for path in glob.glob(osp.join(work_dir, 'epoch_*.pth')):
        match = re.fullmatch(r'epoch_(\d+)\.pth', osp.basename(path))
        if match:
            found[int(match.group(1))] = path
    return dict(sorted(found.items()))


def table(results: dict) -> str:
    lines = ['| epoch | clean | PGD-20 |', '|---|---|---|']
    for epoch, metrics in sorted(results.items(), key=lambda item: int(item[0])):
        lines.append(f"| {epoch} | {metrics['clean/accuracy']:.2f} | {metrics['pgd20/accuracy']:.2f} |")
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    out = args.out or osp.join(args.work_dir, 'pilot_epochs.json')
    results = {}
    if osp.isfile(out):
        with open(out) as f:
            results = json.load(f)
    for epoch, checkpoint in epoch_checkpoints(args.work_dir).items():
        if str(epoch) in results:
            continue
        test_dir = osp.join(args.work_dir, 'pilot_eval', f'epoch_{epoch}')
        subprocess.run([sys.executable, osp.join(TOOLS, 'test.py'), args.config, checkpoint, '--work-dir', test_dir,
                        '--cfg-options', f'test_dataloader.dataset.num_samples={args.num_samples}'], check=True,
                       stdout=subprocess.DEVNULL)
        results[str(epoch)] = latest_test_metrics(test_dir)
        with open(out, 'w') as f:
            json.dump(results, f, indent=2)
    print(table(results))


if __name__ == '__main__':
    main()

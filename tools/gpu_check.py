"""One prepared check of the GPU path, within 10 minutes on one GPU (run it through ``tools/gpu_check.sh``).

    python tools/gpu_check.py [--out /tmp/slim_gpu_check] [--skip pytest train benchmarks]
        [--runs cifar10-slim-at asa-slim-deeplab-512] [--device cuda] [--tiny]

1. ``pytest -m cuda``: the tests that run on the GPU and assert something there (tools, attacks,
   analyses, PGD's starts equal to the CPU's).
2. Training through ``tools/train.py`` on random data of the real shape, each run in float32 and with
   ``--amp``: ``cifar10-slim-at``, 50 iterations of ``configs/cifar10_at/resnet18_pgd-at_paper_slim.py``
   (batch 64, 32x32, PGD-10 + SLIM) on fake CIFAR-10 python pickles; ``asa-slim-deeplab-512``, 20
   iterations of the ASA + SLIM DeepLab v3+ R50 GTA5 config with a 512x512 crop on fake GTA5 frames
   (1914x1052, Cityscapes label ids) without the ImageNet initialisation (no download). The fakes are
   written under ``--out`` in the datasets' real layouts; validation and checkpoints are off.
3. The step benchmarks (``tools/benchmark_step.py``, ``tools/benchmark_adversarial_training.py``) on
   the device.

Printed: the card (``nvidia-smi``'s name), the pytest summary, one table with each run's median step
time (mmengine's ``time`` per logging interval, the first interval left out as warm-up), peak memory
(mmengine's ``memory``: ``torch.cuda.max_memory_allocated`` per interval, in MiB) and the AMP speed-up
(float32 step / AMP step), then the benchmarks' own output. Exits non-zero when a part fails.

``--device cpu --tiny`` is the dry run of the same path on the CPU (2 iterations, small crops and
batches; no memory figures there): it checks the script, not the hardware.
"""
import argparse
import json
import os
import os.path as osp
import pickle
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
from mmengine.config import Config  # noqa: E402

from slim_mmseg.engine.device_option import parse_device  # noqa: E402

CIFAR_CONFIG = 'configs/cifar10_at/resnet18_pgd-at_paper_slim.py'
DEEPLAB_CONFIG = ('configs/gta5_dg/asa-slim_deeplabv3plus_r50-d16_4xb4-40k_gta5-to-cityscapes-bdd100k-mapillary_'
                  '768x768.py')
RUNS = ('cifar10-slim-at', 'asa-slim-deeplab-512')
PARTS = ('pytest', 'train', 'benchmarks')
GTA5_FRAME = (1914, 1052)                           # width, height of a GTA5 frame
GTA5_LABEL_IDS = (7, 8, 11, 17, 21, 23, 24, 26, 0)  # road, sidewalk, building, pole, vegetation, sky, person, car,
#                                                     unlabeled (-> 255)


@dataclass
class RunSettings:
    iterations: int
    batch_size: int
    log_interval: int
    crop: int = 512
    frame: tuple = GTA5_FRAME


def settings(run: str, tiny: bool) -> RunSettings:
    if run == 'cifar10-slim-at':
        return RunSettings(2, 2, 1) if tiny else RunSettings(50, 64, 10)
    if run == 'asa-slim-deeplab-512':
        return RunSettings(2, 2, 1, crop=64, frame=(128, 70)) if tiny else RunSettings(20, 4, 5)
    raise ValueError(f'unknown run {run!r}; runs: {", ".join(RUNS)}')


def write_fake_cifar10(root: Path, images: int, seed: int = 0) -> Path:
    """CIFAR-10's python pickles (``data_batch_1..5``, ``test_batch``) holding ``images`` random
    training images in all, spread over the five training files, and 10 test images."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    counts = [images // 5 + (index < images % 5) for index in range(5)]
    for name, count in [(f'data_batch_{i + 1}', counts[i]) for i in range(5)] + [('test_batch', 10)]:
        data = rng.integers(0, 256, (count, 3072), dtype=np.uint8)
        labels = [int(v) for v in rng.integers(0, 10, count)]
        with open(root / name, 'wb') as batch:
            pickle.dump({b'data': data, b'labels': labels, b'batch_label': name.encode()}, batch)
    return root


def write_fake_gta5(root: Path, frames: int, size: Sequence[int] = GTA5_FRAME, seed: int = 0) -> Path:
    """GTA5's layout: ``images/NNNNN.png``, ``labels/NNNNN.png`` (Cityscapes label ids) and
    ``splits/train.txt``; smooth random images (cheap to decode) and label bands."""
    import cv2
    rng = np.random.default_rng(seed)
    width, height = size
    for folder in ('images', 'labels', 'splits'):
        (root / folder).mkdir(parents=True, exist_ok=True)
    stems = [f'{index + 1:05d}' for index in range(frames)]
    for stem in stems:
        coarse = rng.integers(0, 256, (height // 16 + 1, width // 16 + 1, 3), dtype=np.uint8)
        cv2.imwrite(str(root / 'images' / f'{stem}.png'), cv2.resize(coarse, (width, height)))
        bands = rng.choice(GTA5_LABEL_IDS, size=width // 32 + 1).astype(np.uint8)
        cv2.imwrite(str(root / 'labels' / f'{stem}.png'), np.tile(np.repeat(bands, 32)[:width], (height, 1)))
    (root / 'splits' / 'train.txt').write_text('\n'.join(stems) + '\n')
    return root


def run_config(run: str, data_root: Path, tiny: bool) -> Config:
    """The run's config on the fake data: ``iterations`` training steps, logging every
    ``log_interval`` steps (averaged over exactly that interval), no validation, no checkpoints,
    no pretrained download."""
    chosen = settings(run, tiny)
    cfg = Config.fromfile(str(REPO / (CIFAR_CONFIG if run == 'cifar10-slim-at' else DEEPLAB_CONFIG)))
    loader = cfg.train_dataloader
    loader.batch_size = chosen.batch_size
    loader.dataset.data_root = str(data_root)
    loader.num_workers = 0 if tiny else 4
    loader.persistent_workers = not tiny
    if run == 'cifar10-slim-at':
        cfg.train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1)  # the fake holds exactly one epoch's images
    else:
        cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=chosen.iterations, val_interval=10 ** 9)
        for step in loader.dataset.pipeline:
            if step['type'] == 'RandomCrop':
                step['crop_size'] = (chosen.crop, chosen.crop)
            if step['type'] == 'RandomResize':
                step['scale'] = tuple(chosen.frame)
        segmentor = cfg.model.model
        segmentor.data_preprocessor.size = (chosen.crop, chosen.crop)
        segmentor.backbone.init_cfg = None
        cfg.custom_hooks = [hook for hook in cfg.get('custom_hooks') or [] if hook['type'] != 'PretrainedWeightsHook']
        cfg.default_hooks.pop('visualization', None)
    for key in ('val_dataloader', 'val_cfg', 'val_evaluator', 'test_dataloader', 'test_cfg', 'test_evaluator'):
        cfg[key] = None
    cfg.default_hooks.checkpoint = None
    cfg.default_hooks.logger.interval = chosen.log_interval
    cfg.log_processor = dict(cfg.get('log_processor', {}), window_size=chosen.log_interval)
    return cfg


def step_statistics(work_dir: Path) -> dict:
    """Median step time (s) over the logged intervals after the first, and the largest logged
    memory (MiB, ``None`` without CUDA), from mmengine's ``scalars.json``."""
    [scalars] = sorted(work_dir.glob('*/vis_data/scalars.json'))[-1:]
    records = [json.loads(line) for line in scalars.read_text().splitlines() if line.strip()]
    times = [record['time'] for record in records if 'time' in record]
    if not times:
        raise ValueError(f'{scalars} holds no step times')
    memory = [record['memory'] for record in records if 'memory' in record]
    return dict(step_s=statistics.median(times[1:] or times), peak_mib=max(memory) if memory else None,
                intervals=len(times))


def format_table(card: str, rows: Sequence[dict]) -> str:
    """One row per run and precision: median step, peak memory, AMP speed-up (float32 / AMP)."""
    fp32 = {row['run']: row['step_s'] for row in rows if row['precision'] == 'fp32' and row.get('step_s')}
    lines = [f'card: {card}',
             '| run | precision | iterations | median step (s) | peak memory (MiB) | AMP speed-up |',
             '|---|---|---|---|---|---|']
    for row in rows:
        if row.get('error'):
            lines.append(f"| {row['run']} | {row['precision']} | {row['iterations']} | FAILED: {row['error']} "
                         '| - | - |')
            continue
        memory = '-' if row['peak_mib'] is None else f"{row['peak_mib']:.0f}"
        speedup = (f"{fp32[row['run']] / row['step_s']:.2f}x" if row['precision'] != 'fp32' and row['run'] in fp32
                   else '-')
        lines.append(f"| {row['run']} | {row['precision']} | {row['iterations']} | {row['step_s']:.3f} | {memory} | "
                     f'{speedup} |')
    return '\n'.join(lines)


def card_name(device) -> str:
    if device.type != 'cuda':
        return f'cpu (dry run, {os.cpu_count()} cores)'
    try:
        names = subprocess.run(['nvidia-smi', '--query-gpu=name', '--format=csv,noheader'], capture_output=True,
                               text=True, timeout=30, check=True).stdout.split('\n')
        name = names[device.index or 0].strip()
    except (OSError, subprocess.SubprocessError, IndexError):
        import torch
        name = torch.cuda.get_device_name(device)
    return name


def tool_env(device) -> dict:
    env = dict(os.environ, PYTHONPATH=f'{REPO}{os.pathsep}{os.environ.get("PYTHONPATH", "")}')
    if device.type == 'cpu':
        env['CUDA_VISIBLE_DEVICES'] = ''        # mmengine's Runner picks its device itself
    elif device.index is not None:
        env['CUDA_VISIBLE_DEVICES'] = str(device.index)
    return env


def run_logged(command: List[str], log: Path, env: dict, timeout: int) -> Optional[str]:
    """Runs ``command`` with its output in ``log``; ``None`` on success, else a short reason."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, 'w') as out:
        try:
            code = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO,
                                  timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            return f'timed out after {timeout} s (log: {log})'
    if code == 0:
        return None
    tail = log.read_text().splitlines()[-15:]
    print(f'{" ".join(command[1:3])} failed (exit {code}); the end of {log}:\n' + '\n'.join(tail), file=sys.stderr)
    return f'exit {code} (log: {log})'


def train_rows(args, out: Path, env: dict) -> List[dict]:
    rows = []
    for run in args.runs:
        chosen = settings(run, args.tiny)
        data_root = out / 'data' / run
        if data_root.exists():
            shutil.rmtree(data_root)
        if run == 'cifar10-slim-at':
            write_fake_cifar10(data_root, chosen.iterations * chosen.batch_size)
        else:
            write_fake_gta5(data_root, frames=max(8, chosen.batch_size), size=chosen.frame)
        config = out / f'{run}.py'
        run_config(run, data_root, args.tiny).dump(str(config))
        for precision, extra in (('fp32', []), ('amp', ['--amp'])):
            work_dir = out / 'work' / f'{run}-{precision}'
            shutil.rmtree(work_dir, ignore_errors=True)
            error = run_logged([sys.executable, str(REPO / 'tools' / 'train.py'), str(config), '--work-dir',
                                str(work_dir), *extra], out / 'logs' / f'{run}-{precision}.log', env,
                               args.run_timeout)
            row = dict(run=run, precision=precision, iterations=chosen.iterations, error=error)
            if error is None:
                row.update(step_statistics(work_dir))
            rows.append(row)
            print(f'  {run} {precision}: {"done" if error is None else error}', flush=True)
    return rows


def benchmark_commands(device, tiny: bool) -> List[List[str]]:
    python, tools = sys.executable, REPO / 'tools'
    if tiny:
        return [[python, str(tools / 'benchmark_step.py'), '--variants', 'ERM', 'ASA', '--batch-size', '2',
                 '--steps', '1', '--warmup', '0', '--memory-steps', '1', '--device', str(device)]]
    return [[python, str(tools / 'benchmark_step.py'), '--steps', '5', '--warmup', '2', '--memory-steps', '2',
             '--device', str(device)],
            [python, str(tools / 'benchmark_adversarial_training.py'), '--rounds', '3', '--warmup', '1',
             '--memory-steps', '2', '--device', str(device)]]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default='/tmp/slim_gpu_check', help='fakes, configs, work dirs and logs')
    parser.add_argument('--device', type=parse_device, default='cuda',
                        help='cuda (default; refused where none is visible) or cpu with --tiny for the dry run')
    parser.add_argument('--tiny', action='store_true', help='2 iterations, small crops: the CPU dry run')
    parser.add_argument('--runs', nargs='+', choices=RUNS, default=list(RUNS))
    parser.add_argument('--skip', nargs='+', choices=PARTS, default=[], help='parts left out')
    parser.add_argument('--run-timeout', type=int, default=150, help='seconds per training run')
    args = parser.parse_args(argv)
    if args.device.type == 'cpu' and not args.tiny:
        parser.error('--device cpu is the dry run of the script: add --tiny (the full check needs a GPU)')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = tool_env(args.device)
    started = time.perf_counter()
    failures = []
    card = card_name(args.device)
    print(f'gpu_check on {card}; output under {out}', flush=True)
    pytest_summary = 'skipped'
    if 'pytest' not in args.skip:
        print('pytest -m cuda ...', flush=True)
        log = out / 'logs' / 'pytest_cuda.log'
        error = run_logged([sys.executable, '-m', 'pytest', '-m', 'cuda', '-q', '-rs', 'tests'], log, env, 300)
        tail = [line for line in log.read_text().splitlines() if line.strip()]
        pytest_summary = tail[-1] if tail else 'no output'
        if error:
            failures.append(f'pytest -m cuda: {error}')
    rows = []
    if 'train' not in args.skip:
        print('training runs (fp32 and --amp) ...', flush=True)
        rows = train_rows(args, out, env)
        failures += [f"{row['run']} {row['precision']}: {row['error']}" for row in rows if row['error']]
    benchmarks = []
    if 'benchmarks' not in args.skip:
        print('step benchmarks ...', flush=True)
        for index, command in enumerate(benchmark_commands(args.device, args.tiny)):
            log = out / 'logs' / f'benchmark_{index}.log'
            error = run_logged(command, log, env, 240)
            benchmarks.append((osp.basename(command[1]), log.read_text()))
            if error:
                failures.append(f'{osp.basename(command[1])}: {error}')
    print(f'\npytest -m cuda: {pytest_summary}')
    if rows:
        print(format_table(card, rows))
    for name, output in benchmarks:
        print(f'\n{name}:\n' + '\n'.join(line for line in output.splitlines() if not line.startswith(' ')
                                         and 'Warning' not in line and 'warnings.warn' not in line))
    print(f'\ngpu_check took {time.perf_counter() - started:.0f} s')
    if failures:
        print('FAILED: ' + '; '.join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())

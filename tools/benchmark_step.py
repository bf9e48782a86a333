"""Step time and peak memory of ERM, AdvStyle and SLIM-AdvStyle, measured side by side.

    python tools/benchmark_step.py [CONFIG] [--batch-size 4] [--steps 10] [--warmup 2]

CONFIG is a SLIM-AdvStyle config (default: the CPU demo's). The three variants share its
segmentor, batch size and crop: ERM is the wrapped segmentor alone, AdvStyle the wrapper with
``slim=None``, SLIM-AdvStyle the config as it is. Each timed round runs one training step of every
variant in turn (interleaved, so that machine load affects all alike); the median over rounds is
reported. Peak memory is then measured per variant over ``--memory-steps`` further steps: the
largest growth of tensor memory within a step, as ``max_memory_allocated`` on CUDA and as an exact
count of the tensor storages the step allocates on the CPU (``slim_mmseg.profiling``; unlike the
resident set size, identical runs give identical numbers). A FLOP count of one step per variant
(convolutions and matrix products, forward and backward) shows the work itself, free of timing
noise. The printed ratios are the targets of the project's performance issue: SLIM-AdvStyle
<= 1.05x AdvStyle in time and memory; one-step AdvStyle (clean + adversarial) <= 2.7x ERM in time.
"""
import argparse
import copy
import json
import os.path as osp
import statistics
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.model import revert_sync_batchnorm  # noqa: E402
from mmengine.optim import OptimWrapper  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.structures import PixelData  # noqa: E402
from mmseg.registry import MODELS  # noqa: E402
from mmseg.structures import SegDataSample  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

import slim_mmseg.openmmlab  # noqa: E402,F401
from slim_mmseg.profiling import TensorMemoryTracker  # noqa: E402

DEFAULT_CONFIG = 'configs/demo/slim-advstyle_deeplabv3_r18hw_synthstreets.py'
VARIANTS = ('ERM', 'AdvStyle', 'SLIM-AdvStyle')


def variant_cfg(cfg: Config, variant: str) -> dict:
    if cfg.model.type != 'SLIMAdvStyle' or cfg.model.get('slim') is None:
        raise ValueError(f'{cfg.filename} is not a SLIM-AdvStyle config (model.type SLIMAdvStyle with slim set)')
    if variant == 'ERM':
        return copy.deepcopy(cfg.model.model)
    model = copy.deepcopy(cfg.model)
    if variant == 'AdvStyle':
        model.slim = None
    return model


def build(cfg: Config, variant: str, device: str):
    torch.manual_seed(0)
    model = revert_sync_batchnorm(MODELS.build(variant_cfg(cfg, variant))).to(device).train()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9))
    return model, optim


def synthetic_batch(cfg: Config, batch_size: int, num_classes: int) -> dict:
    height, width = cfg.get('crop_size', (512, 512))
    g = torch.Generator().manual_seed(0)
    inputs, samples = [], []
    for _ in range(batch_size):
        inputs.append(torch.randint(0, 256, (3, height, width), generator=g, dtype=torch.uint8))
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=torch.randint(0, num_classes, (1, height, width), generator=g))
        sample.set_metainfo(dict(img_shape=(height, width), ori_shape=(height, width), pad_shape=(height, width)))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def peak_step_memory(model, optim, batch: dict, device: str, steps: int) -> int:
    """Largest growth of tensor memory within one training step, over ``steps`` steps (the SLIM
    layer drawn differs from step to step): ``max_memory_allocated`` on CUDA, an exact count of
    the tensor storages each step allocates on the CPU (:class:`TensorMemoryTracker`)."""
    peaks = []
    for _ in range(steps):
        if device == 'cuda':
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            start = torch.cuda.memory_allocated()
            model.train_step(batch, optim)
            peaks.append(torch.cuda.max_memory_allocated() - start)
        else:
            with TensorMemoryTracker() as memory:
                model.train_step(batch, optim)
            peaks.append(memory.peak_bytes)
    return max(peaks)


def num_classes(cfg: Config) -> int:
    return cfg.model.model.decode_head.num_classes


def load(args):
    init_default_scope('mmseg')
    cfg = Config.fromfile(args.config)
    device = 'cuda' if torch.cuda.is_available() and not args.cpu else 'cpu'
    return cfg, device


def step_flops(model, optim, batch: dict) -> int:
    """FLOPs of one training step's convolutions and matrix products, forward and backward
    (``torch.utils.flop_counter``): a deterministic count of the work, unlike wall time."""
    with FlopCounterMode(display=False) as counter:
        model.train_step(batch, optim)
    return counter.get_total_flops()


def measure(args) -> tuple:
    """Median step time over interleaved rounds, then each variant's FLOPs and peak step memory."""
    cfg, device = load(args)
    batch = synthetic_batch(cfg, args.batch_size, num_classes(cfg))
    built = {v: build(cfg, v, device) for v in VARIANTS}
    times = {v: [] for v in VARIANTS}
    for round_index in range(args.warmup + args.steps):
        for variant, (model, optim) in built.items():
            if device == 'cuda':
                torch.cuda.synchronize()
            start = time.perf_counter()
            model.train_step(batch, optim)
            if device == 'cuda':
                torch.cuda.synchronize()
            if round_index >= args.warmup:
                times[variant].append(time.perf_counter() - start)
    seconds = {v: statistics.median(t) for v, t in times.items()}
    flops = {v: step_flops(model, optim, batch) for v, (model, optim) in built.items()}
    memory = {v: peak_step_memory(model, optim, batch, device, args.memory_steps)
              for v, (model, optim) in built.items()}
    return seconds, flops, memory


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', nargs='?', default=DEFAULT_CONFIG)
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--steps', type=int, default=10, help='timed rounds (one step of each variant)')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--memory-steps', type=int, default=8,
                        help='steps per variant whose largest memory peak is reported')
    parser.add_argument('--cpu', action='store_true', help='stay on the CPU even if CUDA is available')
    parser.add_argument('--json', help='also write the results to this file')
    args = parser.parse_args()
    seconds, flops, memory = measure(args)
    device = 'cuda' if torch.cuda.is_available() and not args.cpu else f'cpu ({torch.get_num_threads()} threads)'
    print(f'config: {args.config}\ndevice: {device}; batch {args.batch_size}; median of {args.steps} interleaved rounds')
    print(f'| variant | step time (s) | GFLOP per step | peak step memory (MiB) |\n|---|---|---|---|')
    for variant in VARIANTS:
        print(f'| {variant} | {seconds[variant]:.3f} | {flops[variant] / 1e9:.2f} | {memory[variant] / 2**20:.1f} |')
    ratios = {
        'SLIM-AdvStyle / AdvStyle time': (seconds['SLIM-AdvStyle'] / seconds['AdvStyle'], 1.05),
        'SLIM-AdvStyle / AdvStyle memory': (memory['SLIM-AdvStyle'] / memory['AdvStyle'], 1.05),
        'SLIM-AdvStyle / AdvStyle FLOPs': (flops['SLIM-AdvStyle'] / flops['AdvStyle'], None),
        'AdvStyle / ERM time': (seconds['AdvStyle'] / seconds['ERM'], 2.7),
        'AdvStyle / ERM FLOPs': (flops['AdvStyle'] / flops['ERM'], None),
        'AdvStyle / ERM memory': (memory['AdvStyle'] / memory['ERM'], None),
    }
    for name, (value, target) in ratios.items():
        verdict = '' if target is None else f'  (target <= {target}: {"met" if value <= target else "NOT met"})'
        print(f'{name}: {value:.3f}{verdict}')
    if args.json:
        with open(args.json, 'w') as out:
            json.dump(dict(config=args.config, device=device, batch_size=args.batch_size, seconds=seconds,
                           flops=flops, peak_memory_bytes=memory, ratios={k: v for k, (v, _) in ratios.items()}), out, indent=2)


if __name__ == '__main__':
    main()

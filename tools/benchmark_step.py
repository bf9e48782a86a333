"""Step time, FLOPs and peak memory of every training procedure, measured side by side.

    python tools/benchmark_step.py [CONFIG] [--batch-size 4] [--steps 10] [--warmup 2]
        [--placement configs/_base_/methods/placement_resnetv1c_seg.py] [--variants ERM ASA ...]
        [--device cuda]

CONFIG is a SLIM-AdvStyle (AdvStyle-Zhong + SLIM) config (default: the CPU demo's). All variants
share its segmentor, batch size and crop:

- ``ERM``: the wrapped segmentor alone;
- ``AdvStyle`` / ``SLIM-AdvStyle``: Zhong's image-level AdvStyle (the ``SLIMAdvStyle`` wrapper with
  ``slim=None``) and the config as it is;
- ``pAdaIN``, ``MixStyle``, ``DSU``, ``ASA``, ``ASA+SLIM``: the ``StyleAugmented`` wrapper with the
  method files of ``configs/_base_/methods/`` at the positions (and SLIM layers) of ``--placement``;
- ``ASA+SLIM-paper`` / ``ASA+SLIM-balanced``: ASA + SLIM with ``slim.scale`` 'paper' / 'balanced'.

Each timed round runs one training step of every variant in turn (interleaved, so that machine
load affects all alike); the median over rounds is reported per variant, and every time ratio as
the geometric mean of its per-round ratios with a 95 % interval
(:mod:`slim_mmseg.profiling.paired_ratio`), judged against its target as 'met', 'NOT met' or 'not
separated from the target' (the interval contains it: more rounds, or a quieter machine). Peak
memory is then measured per variant over ``--memory-steps`` further steps: the largest growth of
tensor memory within a step, as ``max_memory_allocated`` on CUDA and as an exact count of the
tensor storages the step allocates on the CPU (``slim_mmseg.profiling``; unlike the
resident set size, identical runs give identical numbers). A FLOP count of one step per variant
(convolutions and matrix products, forward and backward) shows the work itself, free of timing
noise. The printed ratios carry the project's targets: SLIM-AdvStyle <= 1.05x AdvStyle in time and
memory; one-step AdvStyle (clean + adversarial) <= 2.7x ERM in time ; ASA <= 1.15x ERM in
time and <= 1.05x in FLOPs; ASA+SLIM <= 1.5x ASA in time; pAdaIN, MixStyle, DSU <= 1.05x ERM in time;
ASA+SLIM 'paper' <= 1.05x and 'balanced' <= 1.1x ASA+SLIM ('mean') in time. The style modules act at random (per module and step: pAdaIN with p = 0.01, MixStyle and
DSU with p = 0.5, ASA's three branches with 1/3 each), so their single-step FLOPs and memory depend
on the draw; the time is a median over rounds.
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
from mmseg.registry import MODELS  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

import slim_mmseg.openmmlab  # noqa: E402,F401
from slim_mmseg.datasets.random_seg_batch import random_seg_batch  # noqa: E402
from slim_mmseg.engine.device_option import add_device_argument  # noqa: E402
from slim_mmseg.profiling import TensorMemoryTracker, paired_ratio  # noqa: E402

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_CONFIG = 'configs/demo/advstyle-zhong-slim_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py'
DEFAULT_PLACEMENT = 'configs/_base_/methods/placement_resnetv1c_seg.py'
# Feature-level style variants: their method file in configs/_base_/methods/.
STYLE_METHODS = {'pAdaIN': 'padain', 'MixStyle': 'mixstyle', 'DSU': 'dsu', 'ASA': 'asa', 'ASA+SLIM': 'asa-slim'}
# ASA + SLIM at the other strengths of the SLIM term (``slim.scale``; the method file's is 'mean').
SLIM_SCALE_VARIANTS = {'ASA+SLIM-paper': 'paper', 'ASA+SLIM-balanced': 'balanced'}
VARIANTS = ('ERM', 'AdvStyle', 'SLIM-AdvStyle', *STYLE_METHODS, *SLIM_SCALE_VARIANTS)


def variant_cfg(cfg: Config, variant: str, placement: str = DEFAULT_PLACEMENT) -> dict:
    if cfg.model.type != 'SLIMAdvStyle' or cfg.model.get('slim') is None:
        raise ValueError(f'{cfg.filename} is not a SLIM-AdvStyle config (model.type SLIMAdvStyle with slim set)')
    if variant == 'ERM':
        return copy.deepcopy(cfg.model.model)
    if variant in STYLE_METHODS:
        return style_variant_cfg(cfg.model.model, variant, placement)
    if variant in SLIM_SCALE_VARIANTS:
        model = style_variant_cfg(cfg.model.model, 'ASA+SLIM', placement)
        model['slim'] = dict(model['slim'], scale=SLIM_SCALE_VARIANTS[variant])
        return model
    if variant not in VARIANTS:
        raise ValueError(f'unknown variant {variant!r}; variants: {", ".join(VARIANTS)}')
    model = copy.deepcopy(cfg.model)
    if variant == 'AdvStyle':
        model.slim = None
    return model


def style_variant_cfg(segmentor: dict, variant: str, placement: str) -> dict:
    """``StyleAugmented`` around ``segmentor`` with the variant's method file and the placement."""
    method = Config.fromfile(osp.join(REPO, 'configs/_base_/methods', STYLE_METHODS[variant] + '.py'))
    where = Config.fromfile(placement if osp.isabs(placement) else osp.join(REPO, placement))
    model = dict(type='StyleAugmented', model=copy.deepcopy(segmentor), augmentation=method.augmentation.to_dict(),
                 positions=list(where.positions[method.augmentation.type]))
    if method.get('slim') is not None:
        model.update(slim=method.slim.to_dict(), slim_layers=list(where.slim_layers))
    return model


def build(cfg: Config, variant: str, device: str, placement: str = DEFAULT_PLACEMENT):
    torch.manual_seed(0)
    model = revert_sync_batchnorm(MODELS.build(variant_cfg(cfg, variant, placement))).to(device).train()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9))
    return model, optim


def synthetic_batch(cfg: Config, batch_size: int, num_classes: int) -> dict:
    return random_seg_batch(batch_size, cfg.get('crop_size', (512, 512)), num_classes, seed=0)


def peak_step_memory(model, optim, batch: dict, device, steps: int) -> int:
    """Largest growth of tensor memory within one training step, over ``steps`` steps (the SLIM
    layer drawn differs from step to step): ``max_memory_allocated`` on CUDA, an exact count of
    the tensor storages each step allocates on the CPU (:class:`TensorMemoryTracker`)."""
    peaks = []
    for _ in range(steps):
        if torch.device(device).type == 'cuda':
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
    return Config.fromfile(args.config), args.device


def step_flops(model, optim, batch: dict) -> int:
    """FLOPs of one training step's convolutions and matrix products, forward and backward
    (``torch.utils.flop_counter``): a deterministic count of the work, unlike wall time."""
    with FlopCounterMode(display=False) as counter:
        model.train_step(batch, optim)
    return counter.get_total_flops()


def measure(args) -> tuple:
    """Per-round step times over interleaved rounds, then each variant's FLOPs and peak step memory."""
    cfg, device = load(args)
    batch = synthetic_batch(cfg, args.batch_size, num_classes(cfg))
    built = {v: build(cfg, v, device, args.placement) for v in args.variants}
    times = {v: [] for v in args.variants}
    for round_index in range(args.warmup + args.steps):
        for variant, (model, optim) in built.items():
            if device.type == 'cuda':
                torch.cuda.synchronize(device)
            start = time.perf_counter()
            model.train_step(batch, optim)
            if device.type == 'cuda':
                torch.cuda.synchronize(device)
            if round_index >= args.warmup:
                times[variant].append(time.perf_counter() - start)
    flops = {v: step_flops(model, optim, batch) for v, (model, optim) in built.items()}
    memory = {v: peak_step_memory(model, optim, batch, device, args.memory_steps)
              for v, (model, optim) in built.items()}
    return times, flops, memory


# (numerator, denominator, quantity, target or None): the ratios printed when both variants ran.
RATIOS = (
    ('SLIM-AdvStyle', 'AdvStyle', 'time', 1.05), ('SLIM-AdvStyle', 'AdvStyle', 'memory', 1.05),
    ('SLIM-AdvStyle', 'AdvStyle', 'FLOPs', None), ('AdvStyle', 'ERM', 'time', 2.7),
    ('AdvStyle', 'ERM', 'FLOPs', None), ('AdvStyle', 'ERM', 'memory', None),
    ('ASA', 'ERM', 'time', 1.15), ('ASA', 'ERM', 'FLOPs', 1.05), ('ASA', 'ERM', 'memory', None),
    ('ASA+SLIM', 'ASA', 'time', 1.5), ('ASA+SLIM', 'ASA', 'FLOPs', None), ('ASA+SLIM', 'ASA', 'memory', None),
    ('pAdaIN', 'ERM', 'time', 1.05), ('MixStyle', 'ERM', 'time', 1.05), ('DSU', 'ERM', 'time', 1.05),
    ('ASA+SLIM-paper', 'ASA+SLIM', 'time', 1.05), ('ASA+SLIM-paper', 'ASA+SLIM', 'FLOPs', None),
    ('ASA+SLIM-balanced', 'ASA+SLIM', 'time', 1.1), ('ASA+SLIM-balanced', 'ASA+SLIM', 'FLOPs', None),
    ('ASA+SLIM-balanced', 'ASA+SLIM', 'memory', None),
)


def ratio_targets(times: dict, flops: dict, memory: dict) -> dict:
    """``{'A / B quantity': (value, target)}`` for every ratio of :data:`RATIOS` whose variants ran;
    a time ratio's value is a :class:`~slim_mmseg.profiling.RatioInterval` over the paired rounds
    (``times``: per-round seconds per variant), FLOPs and memory ratios are numbers."""
    ratios = {}
    for numerator, denominator, quantity, target in RATIOS:
        values = {'time': times, 'FLOPs': flops, 'memory': memory}[quantity]
        if numerator in values and denominator in values:
            value = (paired_ratio(times[numerator], times[denominator]) if quantity == 'time'
                     else values[numerator] / values[denominator])
            ratios[f'{numerator} / {denominator} {quantity}'] = (value, target)
    return ratios


def describe(value, target) -> str:
    if not isinstance(value, float):  # a time ratio with its interval
        return value.describe(target)
    if target is None:
        return f'{value:.3f}'
    return f'{value:.3f}  (target <= {target}: {"met" if value <= target else "NOT met"})'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', nargs='?', default=DEFAULT_CONFIG)
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--steps', type=int, default=10, help='timed rounds (one step of each variant)')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--memory-steps', type=int, default=8,
                        help='steps per variant whose largest memory peak is reported')
    add_device_argument(parser)
    parser.add_argument('--placement', default=DEFAULT_PLACEMENT,
                        help='positions and SLIM layers of the feature-level style variants')
    parser.add_argument('--variants', nargs='+', default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument('--json', help='also write the results to this file')
    args = parser.parse_args(argv)
    if args.steps < 2:
        parser.error('--steps must be >= 2: a 95 % interval needs two paired rounds')
    return args


def main(argv=None):
    args = parse_args(argv)
    times, flops, memory = measure(args)
    seconds = {v: statistics.median(t) for v, t in times.items()}
    device = (torch.cuda.get_device_name(args.device) if args.device.type == 'cuda'
              else f'cpu ({torch.get_num_threads()} threads)')
    print(f'config: {args.config}\ndevice: {device}; batch {args.batch_size}; median of {args.steps} interleaved '
          f'rounds; time ratios: geometric mean of the per-round ratios [95 % interval]')
    print(f'| variant | step time (s) | GFLOP per step | peak step memory (MiB) |\n|---|---|---|---|')
    for variant in args.variants:
        print(f'| {variant} | {seconds[variant]:.3f} | {flops[variant] / 1e9:.2f} | {memory[variant] / 2**20:.1f} |')
    ratios = ratio_targets(times, flops, memory)
    for name, (value, target) in ratios.items():
        print(f'{name}: {describe(value, target)}')
    if args.json:
        def plain(value):
            return value if isinstance(value, float) else dict(value=value.value, low=value.low, high=value.high,
                                                               rounds=value.rounds)
        with open(args.json, 'w') as out:
            json.dump(dict(config=args.config, device=device, batch_size=args.batch_size, seconds=seconds,
                           round_seconds=times, flops=flops, peak_memory_bytes=memory,
                           ratios={k: plain(v) for k, (v, _) in ratios.items()}), out, indent=2)


if __name__ == '__main__':
    main()

"""Step time, FLOPs and peak memory of adversarial training (PGD-AT, TRADES, MART, AWP, each with and
without SLIM; SLIM-PGD-AT in every scale) against ERM, measured side by side; and the CPU time per
epoch of a config.

    python tools/benchmark_adversarial_training.py [CONFIG] [--batch-size 16] [--base-width 16]
        [--rounds 30] [--time-budget 100] [--epoch-steps 0] [--device cuda]

CONFIG is an ``AdversarialTraining`` config (default: the SLIM paper's CIFAR-10 ResNet-18 PGD-AT
one). Every variant shares its classifier, attack (eps, steps, step size) and batch: ERM is the
classifier's own training step; the others swap the objective (PGD-AT, TRADES beta 6, MART beta 5),
add AWP (gamma 0.01 with PGD-AT, 0.005 with TRADES, no warm-up) and SLIM (the config's
``slim_stages``, scale ``'mean'``); ``SLIM-PGD-AT-paper`` and ``SLIM-PGD-AT-balanced`` run SLIM-PGD-AT
with the other scales. Each timed round runs one training step of every variant in turn
(interleaved, so that machine load affects all alike); rounds continue until ``--rounds`` or, after
at least ``--min-rounds``, until ``--time-budget`` seconds have passed. Every time ratio is printed
as the geometric mean of its per-round ratios with a 95 % interval
(:mod:`slim_mmseg.profiling.paired_ratio`), and against its target as 'met' (interval below it),
'NOT met' (above) or 'not separated from the target' (the interval contains it). Peak memory is the
exact peak of the tensor storages one step allocates (``slim_mmseg.profiling.TensorMemoryTracker``,
as ``tools/benchmark_step.py``; ``max_memory_allocated`` on CUDA), the largest over
``--memory-steps`` steps (SLIM draws a new layer and loss every step); FLOPs count one step's convolutions and matrix products. Targets:
PGD-10-AT / ERM <= 8.0 in time (23/3 = 7.67 when the inner steps compute no weight gradient);
SLIM-X / X <= 1.05 in time and memory for every X; SLIM-PGD-AT paper / mean <= 1.05 and balanced /
mean <= 1.35 in time (one more backward per ascent step); AWP's overhead (no target).

``--base-width`` shrinks the ResNet's widths (CPU budget; the ratios are what matter; 0 keeps the
config's). ``--epoch-steps N`` then times N training steps of the config as it is (its batch size
and backbone) and extrapolates to one epoch of ``--epoch-samples`` images (CIFAR-10: 50000).
"""
import argparse
import copy
import math
import os.path as osp
import statistics
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.optim import OptimWrapper  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.structures import BaseDataElement  # noqa: E402
from mmseg.registry import MODELS  # noqa: E402
from torch.utils._python_dispatch import TorchDispatchMode  # noqa: E402
from torch.utils.flop_counter import flop_registry  # noqa: E402

import slim_mmseg.openmmlab  # noqa: E402,F401
from slim_mmseg.engine.device_option import add_device_argument  # noqa: E402
from slim_mmseg.profiling import TensorMemoryTracker, paired_ratio  # noqa: E402

DEFAULT_CONFIG = 'configs/cifar10_at/resnet18_pgd-at_paper.py'
METHODS = {
    'PGD-AT': dict(objective=dict(type='PGDAT')),
    'TRADES': dict(objective=dict(type='TRADES', beta=6.0)),
    'MART': dict(objective=dict(type='MART', beta=5.0)),
    'AWP-AT': dict(objective=dict(type='PGDAT'), awp=dict(gamma=0.01, warmup_epochs=0)),
    'AWP-TRADES': dict(objective=dict(type='TRADES', beta=6.0), awp=dict(gamma=0.005, warmup_epochs=0)),
}


# SLIM-PGD-AT in the scales other than the default 'mean'.
OTHER_SCALES = ('paper', 'balanced')
SLIM_TARGET, BALANCED_TARGET, PGD_AT_TARGET = 1.05, 1.35, 8.0
DEFAULT_BASE_WIDTH = 16


def variant_cfgs(cfg: Config, base_width: int) -> dict:
    if cfg.model.type != 'AdversarialTraining':
        raise ValueError(f'{cfg.filename} is not an AdversarialTraining config')
    model = copy.deepcopy(cfg.model)
    has_width = 'base_width' in MODELS.get(model.model.backbone.type).__init__.__code__.co_varnames
    if base_width is None:  # the default: a quarter-width ResNet, any other backbone as configured
        base_width = DEFAULT_BASE_WIDTH if has_width else 0
    if base_width:
        if not has_width:
            raise ValueError(f'--base-width: {model.model.backbone.type} has no base_width')
        model.model.backbone.base_width = base_width
        model.model.in_channels = 8 * base_width
    variants = {'ERM': copy.deepcopy(model.model)}
    for name, change in METHODS.items():
        plain = dict(copy.deepcopy(model), **dict(dict(slim=None, awp=None), **change))
        variants[name] = plain
        variants[f'SLIM-{name}'] = dict(copy.deepcopy(plain), slim=copy.deepcopy(cfg.slim_stages))
    for scale in OTHER_SCALES:
        variants[f'SLIM-PGD-AT-{scale}'] = dict(copy.deepcopy(variants['SLIM-PGD-AT']),
                                                slim=dict(copy.deepcopy(cfg.slim_stages), scale=scale))
    return variants


def build(model_cfg: dict, device: torch.device):
    torch.manual_seed(0)
    model = MODELS.build(model_cfg).to(device).train()
    return model, OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9))


def synthetic_batch(batch_size: int, channels: int, size: int, num_classes: int) -> dict:
    generator = torch.Generator().manual_seed(0)
    return dict(inputs=[torch.randint(0, 256, (channels, size, size), generator=generator, dtype=torch.uint8)
                        for _ in range(batch_size)],
                data_samples=[BaseDataElement(gt_label=torch.tensor(i % num_classes)) for i in range(batch_size)])


def synchronize(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def timed_step(model, optim, batch, device: torch.device) -> float:
    synchronize(device)
    start = time.perf_counter()
    model.train_step(batch, optim)
    synchronize(device)
    return time.perf_counter() - start


def peak_step_memory(model, optim, batch, steps: int, device: torch.device) -> int:
    """The largest per-step peak over ``steps`` steps: SLIM's layer and loss change every step."""
    peaks = []
    for _ in range(steps):
        if device.type == 'cuda':
            synchronize(device)
            torch.cuda.reset_peak_memory_stats(device)
            start = torch.cuda.memory_allocated(device)
            model.train_step(batch, optim)
            peaks.append(torch.cuda.max_memory_allocated(device) - start)
        else:
            with TensorMemoryTracker() as memory:
                model.train_step(batch, optim)
            peaks.append(memory.peak_bytes)
    return max(peaks)


class FlopCount(TorchDispatchMode):
    """FLOPs of the operators ``torch.utils.flop_counter`` has formulas for (convolutions and matrix
    products, forward and backward). Not ``FlopCounterMode``: its module tracker's backward hooks
    refuse ``torch.autograd.grad`` with respect to a leaf, which is how the attack takes its step."""

    def __init__(self):
        super().__init__()
        self.total = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        formula = flop_registry.get(func.overloadpacket)
        if formula is not None:
            self.total += formula(*args, **kwargs, out_val=out)
        return out


def step_flops(model, optim, batch) -> int:
    """FLOPs of one training step (:class:`FlopCount`): the work itself, free of timing noise."""
    with FlopCount() as counter:
        model.train_step(batch, optim)
    return counter.total


def measure(variants: dict, batch: dict, rounds: int, warmup: int, memory_steps: int, device: torch.device,
            min_rounds: int = 5, time_budget: float = float('inf')):
    """Per-round step times (interleaved rounds, see the module docstring), peak memory and FLOPs."""
    built = {name: build(cfg, device) for name, cfg in variants.items()}
    for _ in range(warmup):
        for model, optim in built.values():
            model.train_step(batch, optim)
    times = {name: [] for name in built}
    start = time.perf_counter()
    for round_index in range(rounds):
        if round_index >= min_rounds and time.perf_counter() - start > time_budget:
            break
        for name, (model, optim) in built.items():
            times[name].append(timed_step(model, optim, batch, device))
    memory = {name: peak_step_memory(model, optim, batch, memory_steps, device)
              for name, (model, optim) in built.items()}
    flops = {name: step_flops(model, optim, batch) for name, (model, optim) in built.items()}
    return times, memory, flops


def ratio_lines(times: dict, memory: dict, flops: dict, steps: int) -> list:
    """Every ratio with its target: time with a 95 % interval, memory and FLOPs exact."""
    def line(numerator, denominator, label, time_target=None, memory_target=None):
        interval = paired_ratio(times[numerator], times[denominator])
        memory_text = f'{memory[numerator] / memory[denominator]:.3f}'
        if memory_target is not None:
            memory_text += f' (target <= {memory_target})'
        return (f'{label}: time {interval.describe(time_target)}, memory {memory_text}, '
                f'FLOPs {flops[numerator] / flops[denominator]:.3f}')

    lines = [line('PGD-AT', 'ERM', f'PGD-{steps}-AT / ERM', PGD_AT_TARGET)]
    lines += [line(f'SLIM-{name}', name, f'SLIM-{name} / {name}', SLIM_TARGET, SLIM_TARGET) for name in METHODS]
    lines += [line(f'SLIM-PGD-AT-{scale}', 'SLIM-PGD-AT', f'SLIM-PGD-AT {scale} / mean',
                   BALANCED_TARGET if scale == 'balanced' else SLIM_TARGET) for scale in OTHER_SCALES]
    lines += [line('AWP-AT', 'PGD-AT', 'AWP overhead: AWP-AT / PGD-AT'),
              line('AWP-TRADES', 'TRADES', 'AWP overhead: AWP-TRADES / TRADES')]
    return lines


def epoch_time(cfg: Config, steps: int, samples: int, channels: int, size: int, num_classes: int,
               device: torch.device) -> tuple:
    model, optim = build(cfg.model, device)
    batch_size = cfg.train_dataloader.batch_size
    batch = synthetic_batch(batch_size, channels, size, num_classes)
    model.train_step(batch, optim)  # warm-up
    per_step = statistics.median(timed_step(model, optim, batch, device) for _ in range(steps))
    return per_step, per_step * math.ceil(samples / batch_size), batch_size


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', nargs='?', default=DEFAULT_CONFIG)
    parser.add_argument('--batch-size', type=int, default=16)
    parser.add_argument('--rounds', type=int, default=30, help='most timed rounds')
    parser.add_argument('--min-rounds', type=int, default=5, help='rounds run whatever the time budget')
    parser.add_argument('--time-budget', type=float, default=100.0,
                        help='seconds of timed rounds after which no new round starts (beyond --min-rounds)')
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--memory-steps', type=int, default=4, help='steps whose largest peak is reported')
    parser.add_argument('--base-width', type=int, help=f'ResNet base width (default {DEFAULT_BASE_WIDTH} for a '
                        f'ResNet backbone, else as configured; 0: the config\'s)')
    parser.add_argument('--image-size', type=int, default=32)
    parser.add_argument('--channels', type=int, default=3)
    parser.add_argument('--epoch-steps', type=int, default=0, help='time this many steps of the config as it is')
    parser.add_argument('--epoch-samples', type=int, default=50000)
    add_device_argument(parser)
    args = parser.parse_args()
    if args.min_rounds < 2:
        parser.error('--min-rounds must be >= 2: a 95 % interval needs two paired rounds')
    init_default_scope('mmseg')
    cfg = Config.fromfile(args.config)
    num_classes = cfg.model.model.num_classes
    variants = variant_cfgs(cfg, args.base_width)
    batch = synthetic_batch(args.batch_size, args.channels, args.image_size, num_classes)
    times, memory, flops = measure(variants, batch, args.rounds, args.warmup, args.memory_steps, args.device,
                                   args.min_rounds, args.time_budget)
    rounds = len(times['ERM'])
    width = variants['ERM'].backbone.get('base_width', 'as configured')
    where = (torch.cuda.get_device_name(args.device) if args.device.type == 'cuda'
             else f'{torch.get_num_threads()} CPU threads')
    print(f'config {args.config}; torch {torch.__version__}, {where}; '
          f'batch {args.batch_size}, {rounds} interleaved rounds, base width {width}; attack {dict(cfg.model.attack)}')
    print(f'{"variant":<22}{"step (s)":>10}{"peak MiB":>11}{"GFLOP":>10}')
    for name in variants:
        print(f'{name:<22}{statistics.median(times[name]):>10.3f}{memory[name] / 2 ** 20:>11.1f}'
              f'{flops[name] / 1e9:>10.2f}')
    print('time ratios: geometric mean of the per-round ratios [95 % interval]; step (s) above is the median')
    for line in ratio_lines(times, memory, flops, cfg.model.attack.steps):
        print(line)
    if args.epoch_steps:
        per_step, per_epoch, batch_size = epoch_time(cfg, args.epoch_steps, args.epoch_samples, args.channels,
                                                     args.image_size, num_classes, args.device)
        print(f'{osp.basename(args.config)} as configured (batch {batch_size}): {per_step:.2f} s/step '
              f'(median of {args.epoch_steps}) -> {per_epoch / 60:.1f} min per epoch of {args.epoch_samples} '
              f'images on {where}')


if __name__ == '__main__':
    main()

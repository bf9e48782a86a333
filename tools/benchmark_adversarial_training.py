"""Step time and peak memory of adversarial training (PGD-AT, TRADES, MART, AWP, each with and
without SLIM) against ERM, measured side by side; and the CPU time per epoch of a config.

    python tools/benchmark_adversarial_training.py [CONFIG] [--batch-size 16] [--rounds 5]
        [--base-width 64] [--epoch-steps 0] [--device cuda]

CONFIG is an ``AdversarialTraining`` config (default: the SLIM paper's CIFAR-10 ResNet-18 PGD-AT
one). Every variant shares its classifier, attack (eps, steps, step size) and batch: ERM is the
classifier's own training step; the others swap the objective (PGD-AT, TRADES beta 6, MART beta 5),
add AWP (gamma 0.01 with PGD-AT, 0.005 with TRADES, no warm-up) and SLIM (the config's
``slim_stages``). Each timed round runs one training step of every variant in turn (interleaved, so
that machine load affects all alike); the median over rounds is reported. Peak memory is the exact
peak of the tensor storages one step allocates (``slim_mmseg.profiling.TensorMemoryTracker``, as
``tools/benchmark_step.py``; ``max_memory_allocated`` on CUDA), the largest over ``--memory-steps`` steps (SLIM draws a new layer and
loss every step). Printed ratios and the issue's targets: PGD-10-AT / ERM <= 8.0 in time
(23/3 = 7.67 when the inner steps compute no weight gradient); SLIM-X / X <= 1.05 in time and
memory for every X; AWP's overhead.

``--base-width`` shrinks the ResNet's widths (CPU budget; the ratios are what matter).
``--epoch-steps N`` then times N training steps of the config as it is (its batch size and
backbone) and extrapolates to one epoch of ``--epoch-samples`` images (CIFAR-10: 50000).
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
from slim_mmseg.profiling import TensorMemoryTracker  # noqa: E402

DEFAULT_CONFIG = 'configs/cifar10_at/resnet18_pgd-at_paper.py'
METHODS = {
    'PGD-AT': dict(objective=dict(type='PGDAT')),
    'TRADES': dict(objective=dict(type='TRADES', beta=6.0)),
    'MART': dict(objective=dict(type='MART', beta=5.0)),
    'AWP-AT': dict(objective=dict(type='PGDAT'), awp=dict(gamma=0.01, warmup_epochs=0)),
    'AWP-TRADES': dict(objective=dict(type='TRADES', beta=6.0), awp=dict(gamma=0.005, warmup_epochs=0)),
}


def variant_cfgs(cfg: Config, base_width: int) -> dict:
    if cfg.model.type != 'AdversarialTraining':
        raise ValueError(f'{cfg.filename} is not an AdversarialTraining config')
    model = copy.deepcopy(cfg.model)
    if base_width:
        if 'base_width' not in MODELS.get(model.model.backbone.type).__init__.__code__.co_varnames:
            raise ValueError(f'--base-width: {model.model.backbone.type} has no base_width')
        model.model.backbone.base_width = base_width
        model.model.in_channels = 8 * base_width
    variants = {'ERM': copy.deepcopy(model.model)}
    for name, change in METHODS.items():
        plain = dict(copy.deepcopy(model), **dict(dict(slim=None, awp=None), **change))
        variants[name] = plain
        variants[f'SLIM-{name}'] = dict(copy.deepcopy(plain), slim=copy.deepcopy(cfg.slim_stages))
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


def measure(variants: dict, batch: dict, rounds: int, warmup: int, memory_steps: int, device: torch.device):
    built = {name: build(cfg, device) for name, cfg in variants.items()}
    for _ in range(warmup):
        for model, optim in built.values():
            model.train_step(batch, optim)
    times = {name: [] for name in built}
    for _ in range(rounds):
        for name, (model, optim) in built.items():
            times[name].append(timed_step(model, optim, batch, device))
    medians = {name: statistics.median(values) for name, values in times.items()}
    memory = {name: peak_step_memory(model, optim, batch, memory_steps, device)
              for name, (model, optim) in built.items()}
    flops = {name: step_flops(model, optim, batch) for name, (model, optim) in built.items()}
    return medians, memory, flops


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
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--memory-steps', type=int, default=4, help='steps whose largest peak is reported')
    parser.add_argument('--base-width', type=int, default=0, help='ResNet base width (0: the config\'s)')
    parser.add_argument('--image-size', type=int, default=32)
    parser.add_argument('--channels', type=int, default=3)
    parser.add_argument('--epoch-steps', type=int, default=0, help='time this many steps of the config as it is')
    parser.add_argument('--epoch-samples', type=int, default=50000)
    add_device_argument(parser)
    args = parser.parse_args()
    init_default_scope('mmseg')
    cfg = Config.fromfile(args.config)
    num_classes = cfg.model.model.num_classes
    where = (torch.cuda.get_device_name(args.device) if args.device.type == 'cuda'
             else f'{torch.get_num_threads()} CPU threads')
    print(f'config {args.config}; torch {torch.__version__}, {where}; '
          f'batch {args.batch_size}, {args.rounds} interleaved rounds (median), '
          f'base width {args.base_width or "as configured"}; attack {dict(cfg.model.attack)}')
    variants = variant_cfgs(cfg, args.base_width)
    batch = synthetic_batch(args.batch_size, args.channels, args.image_size, num_classes)
    times, memory, flops = measure(variants, batch, args.rounds, args.warmup, args.memory_steps, args.device)
    print(f'{"variant":<18}{"step (s)":>10}{"peak MiB":>11}{"GFLOP":>10}')
    for name in variants:
        print(f'{name:<18}{times[name]:>10.3f}{memory[name] / 2 ** 20:>11.1f}{flops[name] / 1e9:>10.2f}')
    print(f'PGD-{cfg.model.attack.steps}-AT / ERM time: {times["PGD-AT"] / times["ERM"]:.2f} (target <= 8.0); '
          f'FLOPs: {flops["PGD-AT"] / flops["ERM"]:.2f}')
    for name in METHODS:
        print(f'SLIM-{name} / {name}: time {times["SLIM-" + name] / times[name]:.3f}, '
              f'memory {memory["SLIM-" + name] / memory[name]:.3f} (target <= 1.05), '
              f'FLOPs {flops["SLIM-" + name] / flops[name]:.3f}')
    print(f'AWP overhead: AWP-AT / PGD-AT time {times["AWP-AT"] / times["PGD-AT"]:.3f}, memory '
          f'{memory["AWP-AT"] / memory["PGD-AT"]:.3f}; AWP-TRADES / TRADES time '
          f'{times["AWP-TRADES"] / times["TRADES"]:.3f}, memory {memory["AWP-TRADES"] / memory["TRADES"]:.3f}')
    if args.epoch_steps:
        per_step, per_epoch, batch_size = epoch_time(cfg, args.epoch_steps, args.epoch_samples, args.channels,
                                                     args.image_size, num_classes, args.device)
        print(f'{osp.basename(args.config)} as configured (batch {batch_size}): {per_step:.2f} s/step '
              f'(median of {args.epoch_steps}) -> {per_epoch / 60:.1f} min per epoch of {args.epoch_samples} '
              f'images on {where}')


if __name__ == '__main__':
    main()

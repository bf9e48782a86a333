"""Train a segmentor: the command line of mmseg 1.2.2's ``tools/train.py``, with slim_mmseg
registered, CPU-only distributed runs and an explicit ``--resume CHECKPOINT``.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CHECKPOINT]] [--amp]
        [--amp-dtype {auto,bfloat16,float16}] [--cfg-options KEY=VALUE ...]
        [--launcher {none,pytorch,slurm}]

``--resume`` without a value resumes from the latest checkpoint in the work dir (and starts
from scratch, keeping ``load_from``, when there is none); with a value it resumes from that
checkpoint. Resuming restores model, optimizer, scheduler and iteration.

``--amp`` on CUDA (or another mmengine accelerator) switches ``OptimWrapper`` to
``AmpOptimWrapper`` with dynamic loss scaling, as mmseg does, autocasting to ``--amp-dtype``:
``auto`` (the default) picks bfloat16 where the GPU supports it (``torch.cuda.is_bf16_supported()``:
Ampere and later), since it has float32's exponent range and cannot overflow or underflow where
float16 does, and float16 otherwise. Without an accelerator, mmengine's ``AmpOptimWrapper`` cannot
be built, so ``--amp`` selects ``CPUBF16AutocastOptimWrapper``: bfloat16 autocast for the training
forward pass, float32 weights, no loss scaling (float16 is refused there: it would need the loss
scaling only ``AmpOptimWrapper`` provides). The dtype in use is logged.

``--launcher pytorch`` expects the ``torchrun`` environment (see ``tools/dist_train.sh``); on a
CPU-only machine it runs with the ``gloo`` backend (see ``slim_mmseg.engine.cpu_distributed``).
"""
import argparse
import logging
import os.path as osp
import sys

# This checkout's slim_mmseg, whatever the working directory.
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import torch  # noqa: E402
from mmengine.device import get_device  # noqa: E402
from mmengine.logging import print_log  # noqa: E402
from mmengine.runner import Runner, find_latest_checkpoint  # noqa: E402
from mmseg.registry import RUNNERS  # noqa: E402

from slim_mmseg.engine import (add_run_arguments, load_cli_config, parse_run_args,  # noqa: E402
                               prepare_cpu_distributed)  # (importing registers slim_mmseg's adapters)

AUTO_RESUME = 'auto'
AMP_DTYPES = ('auto', 'bfloat16', 'float16')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a segmentor')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        const=AUTO_RESUME,
        metavar='CHECKPOINT',
        help='resume from CHECKPOINT, or without a value from the latest checkpoint in the '
        'work dir (write it after CONFIG, or argparse takes CONFIG as the checkpoint)')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='enable automatic-mixed-precision training (the dtype: --amp-dtype)')
    parser.add_argument(
        '--amp-dtype',
        choices=AMP_DTYPES,
        default='auto',
        help='autocast dtype of --amp: auto (default) = bfloat16 on GPUs that support it and on '
        'the CPU, float16 on older GPUs')
    add_run_arguments(parser)
    return parse_run_args(parser, argv)


def bf16_supported(device: str) -> bool:
    return device == 'cpu' or (device == 'cuda' and torch.cuda.is_bf16_supported())


def amp_dtype(requested: str, device: str) -> str:
    """The autocast dtype of ``--amp`` on ``device`` (mmengine's ``get_device()``): ``requested``,
    or for ``'auto'`` bfloat16 where supported and float16 elsewhere; a dtype the device cannot
    train with is refused with the alternative."""
    if requested not in AMP_DTYPES:
        raise ValueError(f'--amp-dtype must be one of {AMP_DTYPES}, got {requested!r}')
    if requested == 'auto':
        return 'bfloat16' if bf16_supported(device) else 'float16'
    if requested == 'float16' and device == 'cpu':
        raise ValueError('--amp-dtype float16 on the CPU: float16 needs loss scaling, which mmengine\'s '
                         'AmpOptimWrapper provides on accelerators only; use --amp-dtype bfloat16 (or auto)')
    if requested == 'bfloat16' and not bf16_supported(device):
        raise ValueError(f'--amp-dtype bfloat16: this {device} device does not support bfloat16 '
                         '(torch.cuda.is_bf16_supported() is False); use --amp-dtype float16 (or auto)')
    return requested


def enable_amp(cfg, requested_dtype: str = 'auto'):
    """Switches the config's ``OptimWrapper`` to mixed precision; returns the dtype, or ``None``
    when the config already chose its AMP wrapper (left as it is)."""
    wrapper_type = cfg.optim_wrapper.get('type', 'OptimWrapper')
    device = get_device()
    on_cpu = device == 'cpu'
    if wrapper_type in ('AmpOptimWrapper', 'CPUBF16AutocastOptimWrapper'):
        if wrapper_type == 'AmpOptimWrapper' and on_cpu:
            raise ValueError(
                'optim_wrapper.type=AmpOptimWrapper needs CUDA (or NPU/MLU/MUSA); on CPU set '
                "optim_wrapper.type='OptimWrapper' and pass --amp for bfloat16 autocast.")
        print_log('AMP training is already enabled in your config.',
                  logger='current', level=logging.WARNING)
        return
    if wrapper_type != 'OptimWrapper':
        raise ValueError(
            f'--amp is only supported when optim_wrapper.type is OptimWrapper, got {wrapper_type}.')
    dtype = amp_dtype(requested_dtype, device)
    if on_cpu:
        cfg.optim_wrapper.type = 'CPUBF16AutocastOptimWrapper'
    else:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.loss_scale = 'dynamic'
        cfg.optim_wrapper.dtype = dtype
    print_log(f'--amp: {dtype} autocast on {device} ({cfg.optim_wrapper.type}, --amp-dtype {requested_dtype})',
              logger='current')
    return dtype


def configure_resume(cfg, resume):
    if resume is None:
        cfg.resume = False
    elif resume == AUTO_RESUME:
        latest = find_latest_checkpoint(cfg.work_dir)
        cfg.resume = latest is not None
        if latest is None:
            print_log(f'--resume: no checkpoint in {cfg.work_dir}, training from the start.',
                      logger='current', level=logging.WARNING)
        else:
            cfg.load_from = latest
    else:
        if not osp.isfile(resume):
            raise FileNotFoundError(f'--resume {resume}: no such checkpoint file.')
        cfg.resume = True
        cfg.load_from = resume


def main(argv=None):
    args = parse_args(argv)

    cfg = load_cli_config(args.config, args.launcher, args.cfg_options, args.work_dir)

    if args.amp:
        enable_amp(cfg, args.amp_dtype)
    elif args.amp_dtype != 'auto':
        raise ValueError('--amp-dtype chooses the dtype of --amp: pass --amp too')
    configure_resume(cfg, args.resume)
    prepare_cpu_distributed(cfg)

    if 'runner_type' not in cfg:
        runner = Runner.from_cfg(cfg)
    else:
        runner = RUNNERS.build(cfg)
    runner.train()


if __name__ == '__main__':
    main()

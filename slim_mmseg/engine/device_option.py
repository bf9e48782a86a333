"""The ``--device`` option every evaluation, analysis and benchmark tool takes.

Default: ``cuda`` when a CUDA device is visible, else ``cpu``. A CUDA device asked for where none is
visible (or an index past the last one) is refused by argparse with the fix, instead of failing
later inside the first ``.to``.
"""
import argparse

import torch


def default_device() -> str:
    return 'cuda' if torch.cuda.is_available() else 'cpu'


def parse_device(text: str) -> torch.device:
    """``'cpu'``, ``'cuda'``, ``'cuda:1'`` -> ``torch.device``; refused when that device is not here."""
    try:
        device = torch.device(text)
    except RuntimeError:
        raise argparse.ArgumentTypeError(f'{text!r} is not a torch device; e.g. cpu, cuda, cuda:1') from None
    if device.type == 'cuda':
        if not torch.cuda.is_available():
            raise argparse.ArgumentTypeError(f'{text}: no CUDA device is visible here '
                                             '(torch.cuda.is_available() is False); use --device cpu')
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise argparse.ArgumentTypeError(f'{text}: only {torch.cuda.device_count()} CUDA device(s) are '
                                             f'visible (cuda:0 to cuda:{torch.cuda.device_count() - 1})')
    elif device.type != 'cpu':
        raise argparse.ArgumentTypeError(f'{text}: the tools run on cpu or cuda devices')
    return device


def add_device_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--device', type=parse_device, default=parse_device(default_device()),
                        help='where the model and the images go: cpu, cuda or cuda:N '
                             '(default: cuda when available, else cpu)')

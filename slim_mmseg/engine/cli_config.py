"""The config a command-line tool runs: file, launcher, ``--cfg-options`` and work dir, as mmseg's tools,
and the command-line options that set them."""
import argparse
import os
import os.path as osp
from typing import Optional, Sequence

from mmengine.config import Config, DictAction


def load_cli_config(config: str, launcher: str, cfg_options: Optional[dict],
                    work_dir: Optional[str]) -> Config:
    """Load ``config``, apply ``--cfg-options``, and set the work dir with mmseg's priority:
    the command line, then the config, then ``./work_dirs/<config name>``."""
    cfg = Config.fromfile(config)
    cfg.launcher = launcher
    if cfg_options is not None:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(config))[0])
    return cfg


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The options mmseg's train and test tools share: ``--cfg-options``, ``--launcher`` and the
    ``--local_rank`` that ``torch.distributed.launch`` passes (read back by :func:`parse_run_args`)."""
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs (nested keys with dots; '
        'lists as key="[a,b]" or key=a,b; no white space)')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm'],
        default='none',
        help='job launcher')
    # torch.distributed.launch passes --local-rank (torch >= 2.0) or --local_rank.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def parse_run_args(parser: argparse.ArgumentParser, argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse ``argv``; ``--local_rank`` becomes ``LOCAL_RANK`` unless the launcher set it already
    (mmengine's distributed setup reads the environment)."""
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args

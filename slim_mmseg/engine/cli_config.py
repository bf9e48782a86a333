"""The config a command-line tool runs: file, launcher, ``--cfg-options`` and work dir, as mmseg's tools."""
import os.path as osp
from typing import Optional

from mmengine.config import Config


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

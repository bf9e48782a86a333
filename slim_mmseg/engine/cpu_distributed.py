"""Distributed data-parallel runs without an accelerator (``torchrun`` + ``--launcher pytorch``).

mmengine 0.10.7 assumes a GPU per process in three places, and each has a config-level answer
that :func:`prepare_cpu_distributed` applies before the ``Runner`` is built:

1. ``mmengine.dist.utils._init_dist_pytorch`` calls ``torch.cuda.set_device`` unconditionally
   (an ``AttributeError`` on a CPU-only torch). ``Runner.setup_env`` only initialises the process
   group when none exists, so the group is created here, with ``gloo`` (``nccl`` needs CUDA).
2. ``Runner.wrap_model`` passes ``device_ids=[LOCAL_RANK]`` to any ``DistributedDataParallel``
   wrapper, which on CPU must be ``None``. Keys of ``model_wrapper_cfg`` take precedence over
   those defaults, so ``device_ids=None`` is set there; a wrapper the config already names
   (e.g. a custom DDP subclass in ``MODEL_WRAPPERS``) is kept, and a wrapper that is not a
   ``DistributedDataParallel`` is left untouched.
3. ``SyncBN``/``MMSyncBN`` layers refuse CPU tensors once a process group exists (mmengine only
   reverts them to ``BN`` when not distributed). They are replaced by ``BN`` in ``cfg.model``
   with a warning: each rank then normalises with its own batch statistics.

On a machine with an accelerator, or without a launcher, nothing changes.
"""
import datetime
import logging
import os

import torch.distributed as torch_dist
from mmengine.device import get_device
from mmengine.logging import print_log
from mmengine.model.wrappers import MMDistributedDataParallel
from mmseg.registry import MODEL_WRAPPERS
from torch.nn import SyncBatchNorm
from torch.nn.parallel import DistributedDataParallel

TORCHRUN_ENV = ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT')
SYNC_NORM_TYPES = ('SyncBN', 'MMSyncBN', SyncBatchNorm)


def prepare_cpu_distributed(cfg):
    """Makes ``cfg.launcher`` work on a CPU-only machine; a no-op elsewhere.

    Must run before ``Runner.from_cfg(cfg)``. Raises ``RuntimeError`` for launchers other
    than ``pytorch`` on CPU and when the ``torchrun`` environment is missing.
    """
    launcher = cfg.get('launcher', 'none')
    if launcher == 'none' or get_device() != 'cpu':
        return
    if launcher != 'pytorch':
        raise RuntimeError(
            f'--launcher {launcher} needs an accelerator; on a CPU-only machine start the '
            'processes with torchrun (tools/dist_train.sh) and --launcher pytorch.')
    _init_gloo_process_group(cfg)
    disable_device_ids(cfg)
    replace_sync_batchnorm(cfg)


def _init_gloo_process_group(cfg):
    missing = [name for name in TORCHRUN_ENV if name not in os.environ]
    if missing:
        raise RuntimeError(
            f'--launcher pytorch expects the torchrun environment, but {missing} are not set; '
            'start the script with torchrun --nproc_per_node=N (see tools/dist_train.sh).')
    dist_cfg = cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
    requested_backend = dist_cfg.get('backend', 'gloo')
    dist_cfg['backend'] = 'gloo'
    if not torch_dist.is_initialized():
        timeout = dist_cfg.get('timeout')
        torch_dist.init_process_group(
            backend='gloo',
            **({} if timeout is None else dict(timeout=datetime.timedelta(seconds=timeout))))
    if requested_backend != 'gloo':
        _warn_on_rank0(f'dist_cfg.backend={requested_backend!r} needs an accelerator; '
                       "using 'gloo' on CPU.")


def disable_device_ids(cfg):
    """Sets ``device_ids=None`` in ``cfg.model_wrapper_cfg`` (mmengine's default wrapper when
    the config names none) if the wrapper is a ``DistributedDataParallel``."""
    wrapper_cfg = cfg.get('model_wrapper_cfg')
    if wrapper_cfg is None:
        # Same wrapper and arguments as Runner.wrap_model's default.
        wrapper_cfg = dict(
            type='MMDistributedDataParallel',
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper_type = wrapper_cfg.get('type', MMDistributedDataParallel)
    if isinstance(wrapper_type, str):
        wrapper_type = MODEL_WRAPPERS.get(wrapper_type)
        if wrapper_type is None:
            raise KeyError(
                f"model_wrapper_cfg.type={wrapper_cfg['type']!r} is not registered in "
                f'MODEL_WRAPPERS; registered: {sorted(MODEL_WRAPPERS.module_dict)}')
    if issubclass(wrapper_type, DistributedDataParallel):
        wrapper_cfg['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper_cfg


def replace_sync_batchnorm(cfg):
    """Turns ``SyncBN``/``MMSyncBN`` norm configs in ``cfg.model`` into ``BN`` and drops
    ``cfg.sync_bn``, with a warning that counts the replacements."""
    replaced = _replace_norm_types(cfg.model)
    if replaced:
        _warn_on_rank0(f'Replaced {replaced} SyncBN norm_cfg entries of cfg.model with BN: '
                       'SyncBN needs an accelerator, so each CPU rank normalises with its own '
                       'batch statistics.')
    if cfg.get('sync_bn') is not None:
        _warn_on_rank0(f'Ignoring sync_bn={cfg.sync_bn!r}: SyncBN needs an accelerator.')
        cfg.sync_bn = None


def _replace_norm_types(node):
    replaced = 0
    if isinstance(node, dict):
        if node.get('type') in SYNC_NORM_TYPES:
            node['type'] = 'BN'
            replaced += 1
        for value in node.values():
            replaced += _replace_norm_types(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            replaced += _replace_norm_types(value)
    return replaced


def _warn_on_rank0(message):
    if not torch_dist.is_initialized() or torch_dist.get_rank() == 0:
        print_log(message, logger='current', level=logging.WARNING)

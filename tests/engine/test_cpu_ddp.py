"""Data-parallel training on CPU: a real 2-process torchrun run, and the config rewriting."""
import socket

import pytest
import torch
from mmengine.config import Config
from mmengine.model import BaseModel
from mmseg.registry import MODEL_WRAPPERS
from state_dump_hook import load_state_dump
from torch.nn.parallel import DistributedDataParallel

from slim_mmseg.engine import prepare_cpu_distributed
from slim_mmseg.engine.cpu_distributed import disable_device_ids, replace_sync_batchnorm


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_two_process_cpu_training_keeps_ranks_in_sync(tiny_config_file, tool, tmp_path):
    config = tiny_config_file(max_iters=2, checkpoint_interval=2, dump_state=True)
    work_dir = tmp_path / 'work'

    output = tool('dist_train.sh', config, 2, '--work-dir', work_dir,
                  env=dict(PORT=str(free_port())))

    assert 'Replaced 2 SyncBN norm_cfg entries' in output
    start = [load_state_dump(work_dir, 'before_train', rank)['params'] for rank in (0, 1)]
    end = [load_state_dump(work_dir, 'after_train', rank)['params'] for rank in (0, 1)]
    for name in end[0]:
        assert torch.equal(start[0][name], start[1][name]), name
        assert torch.equal(end[0][name], end[1][name]), name
    changed = [name for name in end[0] if not torch.equal(start[0][name], end[0][name])]
    assert len(changed) == len(end[0])  # SGD with weight decay moves every parameter
    saved = torch.load(work_dir / 'iter_2.pth', weights_only=True)['state_dict']
    assert all(torch.equal(saved[name], end[0][name]) for name in end[0])
    dumped = Config.fromfile(work_dir / 'tiny_fcn.py')
    assert dumped.env_cfg.dist_cfg.backend == 'gloo'
    assert dumped.model_wrapper_cfg.device_ids is None


@MODEL_WRAPPERS.register_module()
class CustomTestDDP(DistributedDataParallel):
    """Stands for a project wrapper such as SLIMDistributedDataParallel."""


@MODEL_WRAPPERS.register_module()
class NotDataParallelTestWrapper(BaseModel):
    """A model wrapper that takes no ``device_ids``."""


def test_default_wrapper_is_mmengines_with_device_ids_none():
    cfg = Config(dict(find_unused_parameters=True))
    disable_device_ids(cfg)
    assert cfg.model_wrapper_cfg == dict(
        type='MMDistributedDataParallel', broadcast_buffers=False,
        find_unused_parameters=True, device_ids=None)


def test_configured_wrapper_is_kept_and_only_ddp_loses_device_ids():
    cfg = Config(dict(model_wrapper_cfg=dict(type='CustomTestDDP', broadcast_buffers=True)))
    disable_device_ids(cfg)
    assert cfg.model_wrapper_cfg == dict(type='CustomTestDDP', broadcast_buffers=True,
                                         device_ids=None)

    cfg = Config(dict(model_wrapper_cfg=dict(type='NotDataParallelTestWrapper')))
    disable_device_ids(cfg)
    assert cfg.model_wrapper_cfg == dict(type='NotDataParallelTestWrapper')

    with pytest.raises(KeyError, match='NoSuchWrapper'):
        disable_device_ids(Config(dict(model_wrapper_cfg=dict(type='NoSuchWrapper'))))


def test_sync_batchnorm_becomes_bn_everywhere_in_the_model():
    cfg = Config(dict(
        sync_bn='torch',
        model=dict(
            backbone=dict(norm_cfg=dict(type='SyncBN', requires_grad=True)),
            necks=[dict(norm_cfg=dict(type='MMSyncBN')), dict(norm_cfg=dict(type='GN'))],
            head=dict(norm_cfg=dict(type=torch.nn.SyncBatchNorm)))))
    replace_sync_batchnorm(cfg)
    assert cfg.model.backbone.norm_cfg == dict(type='BN', requires_grad=True)
    assert [neck.norm_cfg.type for neck in cfg.model.necks] == ['BN', 'GN']
    assert cfg.model.head.norm_cfg.type == 'BN'
    assert cfg.sync_bn is None


def test_launchers_without_torchrun_environment_fail_clearly(monkeypatch):
    with pytest.raises(RuntimeError, match='torchrun'):
        prepare_cpu_distributed(Config(dict(launcher='slurm', model=dict())))
    for name in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT'):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="'RANK'"):
        prepare_cpu_distributed(Config(dict(launcher='pytorch', model=dict())))


def test_non_distributed_config_is_left_alone():
    cfg = Config(dict(launcher='none', model=dict(norm_cfg=dict(type='SyncBN'))))
    prepare_cpu_distributed(cfg)
    assert cfg.model.norm_cfg.type == 'SyncBN' and 'model_wrapper_cfg' not in cfg

"""Resuming mmengine checkpoints under torch's weights-only loader, and what it still refuses."""
import os
import pickle
import shutil

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import _load_checkpoint
from state_dump_hook import load_state_dump

import slim_mmseg.openmmlab  # noqa: F401  (installs the allow-list)


def test_resume_restores_iteration_model_and_optimizer_state(tiny_training_run, tool, tmp_path):
    work_dir = tmp_path / 'work'
    shutil.copytree(tiny_training_run.work_dir, work_dir)
    saved = torch.load(work_dir / 'iter_2.pth', weights_only=True)  # as mmengine loads it
    assert torch.serialization.get_unsafe_globals_in_checkpoint(str(work_dir / 'iter_2.pth')) == []
    assert load_state_dump(work_dir, 'before_train')['iter'] == 0

    tool('train.py', tiny_training_run.config, '--work-dir', work_dir, '--amp', '--resume',
         '--cfg-options', 'train_cfg.max_iters=4')

    resumed = load_state_dump(work_dir, 'before_train')
    assert resumed['iter'] == 2
    for name, param in resumed['params'].items():
        assert torch.equal(param, saved['state_dict'][name]), name
    momentum = {index: state['momentum_buffer']
                for index, state in resumed['optimizer']['state'].items()}
    assert len(momentum) == len(resumed['params'])
    assert any(buffer.abs().sum() > 0 for buffer in momentum.values())
    for index, buffer in momentum.items():
        assert torch.equal(buffer, saved['optimizer']['state'][index]['momentum_buffer'])
    assert load_state_dump(work_dir, 'after_train')['iter'] == 4
    assert torch.load(work_dir / 'iter_4.pth', weights_only=True)['meta']['iter'] == 4


class CodeOnLoad:
    """Pickles as a call to ``os.system``: loading it would run a shell command."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}', )


class CustomClass:
    """An arbitrary, non-allow-listed class with a harmless-looking ``__reduce__``."""

    def __reduce__(self):
        return CustomClass, ()


class GetattrOn:
    """Pickles as ``getattr(owner, name)``, the form HistoryBuffer's statistics take."""

    def __init__(self, owner, name):
        self.owner, self.name = owner, name

    def __reduce__(self):
        return getattr, (self.owner, self.name)


@pytest.mark.parametrize('payload', [
    lambda tmp_path: CodeOnLoad(tmp_path / 'pwned'),
    lambda tmp_path: CustomClass(),
    lambda tmp_path: GetattrOn(HistoryBuffer, 'update'),
    lambda tmp_path: GetattrOn(np.ndarray, 'tofile'),
], ids=['os.system', 'custom-class', 'getattr-HistoryBuffer.update', 'getattr-ndarray.tofile'])
def test_untrusted_checkpoint_is_refused_by_mmengine_loader(payload, tmp_path):
    path = tmp_path / 'untrusted.pth'
    torch.save(dict(state_dict=dict(weight=torch.zeros(2)), meta=dict(payload=payload(tmp_path))),
               path)
    with pytest.raises(pickle.UnpicklingError):
        _load_checkpoint(str(path), map_location='cpu')
    assert not (tmp_path / 'pwned').exists()


def test_history_buffer_with_numpy_state_round_trips(tmp_path):
    buffer = HistoryBuffer()
    for value in (1.0, 2.0, 6.0):
        buffer.update(value)
    path = tmp_path / 'buffer.pth'
    torch.save(dict(buffer=buffer, scalar=np.float64(0.5), counts=np.arange(3)), path)

    loaded = torch.load(path, weights_only=True)

    assert loaded['buffer'].mean() == 3.0 and loaded['buffer'].max() == 6.0
    assert loaded['scalar'] == 0.5 and loaded['counts'].tolist() == [0, 1, 2]

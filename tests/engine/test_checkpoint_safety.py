"""Resuming mmengine checkpoints under torch's weights-only loader, what it still refuses, and how."""
import os
import pickle
import shutil

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import _load_checkpoint
from state_dump_hook import load_state_dump
from tiny_experiment import tiny_seg_config

import slim_mmseg.openmmlab  # noqa: F401  (installs the allow-list and the refusal)
from slim_mmseg.engine.checkpoint_safety import UntrustedCheckpointError


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


@pytest.mark.parametrize('payload, refused', [
    (lambda tmp_path: CodeOnLoad(tmp_path / 'pwned'), ['posix.system']),
    (lambda tmp_path: CustomClass(), [f'{__name__}.CustomClass']),
    (lambda tmp_path: GetattrOn(HistoryBuffer, 'update'), []),
    (lambda tmp_path: GetattrOn(np.ndarray, 'tofile'), []),
], ids=['os.system', 'custom-class', 'getattr-HistoryBuffer.update', 'getattr-ndarray.tofile'])
def test_untrusted_checkpoint_is_refused_with_our_message(payload, refused, tmp_path):
    path = tmp_path / 'untrusted.pth'
    torch.save(dict(state_dict=dict(weight=torch.zeros(2)), meta=dict(payload=payload(tmp_path))),
               path)
    with pytest.raises(UntrustedCheckpointError) as caught:
        _load_checkpoint(str(path), map_location='cpu')
    assert not (tmp_path / 'pwned').exists()
    error = caught.value
    message = str(error)
    assert isinstance(error, pickle.UnpicklingError)  # callers catching torch's type still do
    assert error.filename == str(path) and error.disallowed_globals == refused
    assert message.startswith(f'Refusing to load the checkpoint {path}: ')
    assert 'can run any code on this machine' in message
    for name in refused:
        assert f'asks the unpickler for {name}, which the safe loader does not allow' in message
    if not refused:
        assert 'Refusing getattr(' in message  # history_buffer_statistic's reason
    assert 'weights_only' not in message and 'weights_only' not in repr(error.__cause__)
    assert error.__suppress_context__  # torch's message (with its advice) is not chained


def test_refusal_covers_mmseg_init_model(tmp_path):
    from mmseg.apis import init_model

    path = tmp_path / 'model.pth'
    torch.save(dict(state_dict={}, meta=dict(payload=CodeOnLoad(tmp_path / 'pwned'))), path)
    with pytest.raises(UntrustedCheckpointError, match=r'model\.pth: it asks the unpickler for posix\.system'):
        init_model(tiny_seg_config(tmp_path), str(path), device='cpu')
    assert not (tmp_path / 'pwned').exists()


def test_trusted_checkpoint_loads_unchanged_through_mmengine(tiny_training_run, tmp_path):
    path = tiny_training_run.work_dir / 'iter_2.pth'
    expected = torch.load(path, weights_only=True)
    loaded = _load_checkpoint(str(path), map_location='cpu')
    assert loaded.keys() == expected.keys()
    for name, tensor in expected['state_dict'].items():
        assert torch.equal(loaded['state_dict'][name], tensor), name
    assert loaded['message_hub']['log_scalars']['train/loss'].mean() == \
        expected['message_hub']['log_scalars']['train/loss'].mean()
    with pytest.raises(FileNotFoundError, match='nowhere.pth can not be found'):
        _load_checkpoint(str(tmp_path / 'nowhere.pth'))


def test_history_buffer_with_numpy_state_round_trips(tmp_path):
    buffer = HistoryBuffer()
    for value in (1.0, 2.0, 6.0):
        buffer.update(value)
    path = tmp_path / 'buffer.pth'
    torch.save(dict(buffer=buffer, scalar=np.float64(0.5), counts=np.arange(3)), path)

    loaded = torch.load(path, weights_only=True)

    assert loaded['buffer'].mean() == 3.0 and loaded['buffer'].max() == 6.0
    assert loaded['scalar'] == 0.5 and loaded['counts'].tolist() == [0, 1, 2]

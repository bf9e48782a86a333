"""How normalisation layers behave inside the adversary's inner loop.

Both modes leave ``running_mean``, ``running_var`` and ``num_batches_tracked`` untouched, so the
inner loop never changes the model's state; they differ in the statistics used to normalise:

- ``'batch'``: the current (adversarial) batch's statistics, as the outer update on the same
  samples will use them;
- ``'running'``: the running statistics, as at evaluation time;
- ``'eval'``: the whole model in evaluation mode (dropout off too), as adversarial-training attacks
  run it (TRADES' ``trades.py`` and MART's ``mart.py`` call ``model.eval()`` for the attack); every
  module's mode is restored afterwards.
"""
from contextlib import contextmanager
from typing import ContextManager, Iterator

from torch import nn
from torch.nn.modules.batchnorm import _NormBase

from .registry import Registry


@contextmanager
def _switched_off(model: nn.Module, flag: str) -> Iterator[None]:
    """Sets ``flag`` to False on the normalisation layers that are training and track running
    statistics, and back to True afterwards."""
    switched = [m for m in model.modules()
                if isinstance(m, _NormBase) and m.training and m.track_running_stats]
    for module in switched:
        setattr(module, flag, False)
    try:
        yield
    finally:
        for module in switched:
            setattr(module, flag, True)


def batchnorm_statistics_frozen(model: nn.Module) -> ContextManager[None]:
    """Inside the block, normalisation layers in training mode use the current batch's statistics
    but do not update their running buffers.

    PyTorch passes no running buffers to ``F.batch_norm`` when a module is training with
    ``track_running_stats=False``; that flag is switched off here and restored afterwards.
    """
    return _switched_off(model, 'track_running_stats')


def batchnorm_running_statistics(model: nn.Module) -> ContextManager[None]:
    """Inside the block, normalisation layers in training mode normalise with their running
    statistics (evaluation behaviour); the rest of the model keeps its mode."""
    return _switched_off(model, 'training')


@contextmanager
def evaluation_mode(model: nn.Module) -> Iterator[None]:
    """Inside the block the whole model is in evaluation mode; each module's own mode is restored
    afterwards (a model whose parts are in different modes keeps them)."""
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        yield
    finally:
        for module, training in modes:
            module.training = training


NORM_MODES = Registry('normalisation mode of the inner loop')
NORM_MODES.register('batch', batchnorm_statistics_frozen)
NORM_MODES.register('running', batchnorm_running_statistics)
NORM_MODES.register('eval', evaluation_mode)

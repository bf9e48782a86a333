"""Let mmengine resume its own checkpoints under ``torch.load(weights_only=True)``.

Since torch 2.6 ``torch.load`` defaults to ``weights_only=True``, and mmengine 0.10.7 calls it
without the argument, so ``Runner.resume`` fails on the checkpoints mmengine itself writes: their
``message_hub`` holds :class:`~mmengine.logging.HistoryBuffer` objects (numpy arrays inside) and
numpy scalars. Rather than switching the safe loader off, this module allow-lists exactly the
globals such a checkpoint contains (found with ``torch.serialization.get_unsafe_globals_in_checkpoint``
on a checkpoint written by an mmseg training run):

- ``mmengine.logging.history_buffer.HistoryBuffer``
- ``numpy.ndarray``, ``numpy.dtype``, ``numpy._core.multiarray._reconstruct`` and
  ``numpy._core.multiarray.scalar`` (numpy arrays and scalars; also under their numpy<2 module
  name ``numpy.core.multiarray``), plus the concrete dtype classes that ``BUILD`` sets state on
- ``builtins.getattr``: ``HistoryBuffer`` pickles its statistics methods as
  ``getattr(HistoryBuffer, 'mean')``. A general ``getattr`` would let a checkpoint reach attributes
  of anything allow-listed, so that name is bound to :func:`history_buffer_statistic`, which
  resolves only ``HistoryBuffer``'s registered statistics and refuses everything else.

Every other global, e.g. ``os.system`` or an arbitrary class with a ``__reduce__``, is still
refused by torch's weights-only unpickler.
"""
import pickle

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

# The statistics ``HistoryBuffer._set_default_statistics`` registers on first instantiation.
_DEFAULT_STATISTICS = ('min', 'max', 'current', 'mean')


def history_buffer_statistic(owner, name):
    """Stands in for ``getattr`` while unpickling: returns ``HistoryBuffer.<name>`` for a
    registered statistic (``min``, ``max``, ``current``, ``mean`` or one added with
    ``HistoryBuffer.register_statistics``) and raises ``UnpicklingError`` for anything else."""
    allowed = set(_DEFAULT_STATISTICS) | set(HistoryBuffer._statistics_methods)
    if owner is not HistoryBuffer or name not in allowed:
        raise pickle.UnpicklingError(
            f'Refusing getattr({owner!r}, {name!r}) in a checkpoint: only the statistics '
            f'methods of HistoryBuffer {sorted(allowed)} are allowed.')
    return getattr(HistoryBuffer, name)


def _numpy_globals():
    multiarray = np._core.multiarray
    entries = []
    for module in ('numpy._core.multiarray', 'numpy.core.multiarray'):
        entries.append((multiarray._reconstruct, f'{module}._reconstruct'))
        entries.append((multiarray.scalar, f'{module}.scalar'))
    entries += [np.ndarray, np.dtype]
    # ``np.dtype('f8')`` unpickles as ``numpy.dtype('f8')`` followed by BUILD on a Float64DType
    # instance; BUILD is only allowed for allow-listed types. Object ('O') and structured ('V')
    # dtypes stay out: they are how a numpy pickle would smuggle arbitrary Python objects.
    plain_codes = np.typecodes['All'].replace('O', '').replace('V', '')
    entries += sorted({type(np.dtype(code)) for code in plain_codes}, key=str)
    return entries


def allow_mmengine_checkpoint_globals():
    """Adds the globals of mmengine training checkpoints to torch's weights-only allow-list.

    Idempotent; called when :mod:`slim_mmseg.engine` is imported.
    """
    torch.serialization.add_safe_globals(
        [HistoryBuffer, (history_buffer_statistic, 'builtins.getattr')] + _numpy_globals())

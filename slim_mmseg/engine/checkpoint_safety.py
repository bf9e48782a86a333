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
refused by torch's weights-only unpickler. torch's own refusal message tells the user to retry with
``weights_only=False``, the one thing not to do with a file of unknown origin, so mmengine's local
checkpoint loader (``load_from_local`` in ``mmengine/runner/checkpoint.py``, used by
``load_checkpoint``, ``Runner.resume``/``load_from``, ``mmseg.apis.init_model`` and
``MMSegInferencer``) is replaced by :func:`load_from_local_allowlisted`, which raises
:class:`UntrustedCheckpointError` naming the file, the refused globals and why.
"""
import os.path as osp
import pickle
from typing import List

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

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


class UntrustedCheckpointError(pickle.UnpicklingError):
    """A checkpoint whose pickle asks for objects outside the allow-list; nothing in it was run.

    Attributes:
        filename: the refused file.
        disallowed_globals: the pickle GLOBALs (``module.name``) that are not allow-listed, e.g.
            ``['posix.system']``; empty when an allow-listed callable refused its arguments (a
            ``getattr`` on something other than a ``HistoryBuffer`` statistic).
    """

    def __init__(self, filename: str, disallowed_globals: List[str], reason: str):
        self.filename, self.disallowed_globals = filename, disallowed_globals
        named = (f'it asks the unpickler for {", ".join(disallowed_globals)}, which '
                 if disallowed_globals else 'its pickle stream does something that ')
        super().__init__(
            f'Refusing to load the checkpoint {filename}: {named}the safe loader does not allow '
            f'({reason}). A pickle global is imported and may be called while the file loads, so '
            f'such a file can run any code on this machine. Only tensors, numpy arrays and scalars '
            f"and mmengine's HistoryBuffer (what mmengine/mmseg training writes) are accepted. "
            f'Use a checkpoint from a source you trust, or ask its author for one saved with '
            f'plain tensors.')


def _refusal_reason(error: Exception) -> str:
    """torch's explanation of the refusal, without its advice to switch the safe loader off."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    kept = [line for line in lines
            if 'weights_only' not in line and not line.startswith('Check the documentation')]
    return ' '.join(kept) or 'refused by the weights-only unpickler'


def _disallowed_globals(filename: str) -> List[str]:
    try:
        return sorted(torch.serialization.get_unsafe_globals_in_checkpoint(filename))
    except ValueError:  # not a zip checkpoint (legacy torch.save format): no listing available
        return []


def load_from_local_allowlisted(filename: str, map_location=None):
    """mmengine's ``load_from_local`` with our refusal: ``torch.load(weights_only=True)`` and, when
    the file is refused, :class:`UntrustedCheckpointError` instead of torch's message. (mmengine
    logs "Loads checkpoint by local_allowlisted backend": it names a loader by what follows
    ``load_from_``.)"""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    try:
        return torch.load(filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        # `from None`: the chained torch message would repeat the weights_only=False advice.
        raise UntrustedCheckpointError(filename, _disallowed_globals(filename),
                                       _refusal_reason(error)) from None


def install_checkpoint_refusal():
    """Makes :func:`load_from_local_allowlisted` mmengine's loader for local paths (prefix ``''``).

    Idempotent; called when :mod:`slim_mmseg.engine` is imported."""
    CheckpointLoader.register_scheme('', load_from_local_allowlisted, force=True)

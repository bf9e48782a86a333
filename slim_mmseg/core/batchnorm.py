"""Running BatchNorm layers in training mode without touching their running statistics."""
from contextlib import contextmanager
from typing import Iterator

from torch import nn
from torch.nn.modules.batchnorm import _NormBase


@contextmanager
def batchnorm_statistics_frozen(model: nn.Module) -> Iterator[None]:
    """Inside the block, normalisation layers in training mode use the current batch's statistics
    (as they will in the outer update on the same samples) but do not update ``running_mean``,
    ``running_var`` or ``num_batches_tracked``.

    PyTorch passes no running buffers to ``F.batch_norm`` when a module is training with
    ``track_running_stats=False``; that flag is switched off here and restored afterwards.
    """
    switched = [m for m in model.modules()
                if isinstance(m, _NormBase) and m.training and m.track_running_stats]
    for module in switched:
        module.track_running_stats = False
    try:
        yield
    finally:
        for module in switched:
            module.track_running_stats = True

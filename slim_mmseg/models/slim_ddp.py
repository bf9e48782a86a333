"""DDP wrapper that runs ``SLIMAdvStyle``'s own min-max step.

mmengine's ``MMDistributedDataParallel.train_step`` preprocesses, forwards once and updates; it
never calls the wrapped module's ``train_step``, so the adversarial step would silently become ERM.
This wrapper hands the step to the module, passing itself as the forward for the two passes that
train the weights (so DDP synchronises their gradients) and ``no_sync`` for the clean one (one
all-reduce per step). The inner loop runs on the bare module, outside gradient synchronisation.

``broadcast_buffers`` defaults to False, as in mmengine's default wrapper (DDP's own default is
True). Our buffers are per rank by design: non-finite counters count each rank's own steps, and
BN running statistics without SyncBN are each rank's own, as on mmengine's default path; buffers
that must agree (ASA's ``initialized``) agree by construction (the decision streams and the
initialisation all-reduce). Broadcasting would overwrite every rank's buffers with rank 0's before
each forward through the wrapper, up to twice per adversarial step, for one collective each. A
config may still set ``broadcast_buffers=True``.
"""
from typing import Dict, Union

from mmengine.model import MMDistributedDataParallel
from mmengine.optim import OptimWrapper
# Registered in mmengine's root registry: Runner.wrap_model looks wrappers up there, without scope.
from mmengine.registry import MODEL_WRAPPERS
from torch import Tensor


@MODEL_WRAPPERS.register_module()
class SLIMDistributedDataParallel(MMDistributedDataParallel):

    def __init__(self, module, broadcast_buffers: bool = False, **kwargs):
        super().__init__(module=module, broadcast_buffers=broadcast_buffers, **kwargs)

    def train_step(self, data: Union[dict, tuple, list], optim_wrapper: OptimWrapper) -> Dict[str, Tensor]:
        step = getattr(self.module, 'adversarial_train_step', None)
        if step is None:
            return super().train_step(data, optim_wrapper)
        return step(data, optim_wrapper, outer_forward=self, defer_sync=self.no_sync)

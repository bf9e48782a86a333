"""Peak memory of the tensors a block of code allocates, counted exactly on any device.

``torch.cuda.max_memory_allocated`` has no CPU counterpart, and the resident set size of a CPU
process moves with the allocator's caching and the OS's page handling: two identical runs can
differ by several percent, which hides the differences a benchmark is after. This tracker sees
every ATen operator call (a ``TorchDispatchMode``, so autograd's backward ops included), adds the
size of each tensor storage the first time an output uses it, and subtracts it when the storage is
freed (a weak-reference callback: PyTorch keeps a storage's Python object alive exactly as long as
the storage itself). The peak is therefore a deterministic function of the operator sequence —
the quantity ``max_memory_allocated`` reports on CUDA, without the allocator's block rounding.

Storages that exist before the block (parameters, the input batch) are not counted, not even
when an in-place op inside the block returns them; a storage created inside the block and still
alive at its end counts in ``current_bytes``.

Example::

    with TensorMemoryTracker() as memory:
        loss = model(x).sum()
        loss.backward()
    print(memory.peak_bytes)
"""
import weakref
from typing import Dict, Set

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves


class TensorMemoryTracker(TorchDispatchMode):
    """Context manager; ``peak_bytes`` and ``current_bytes`` count storages allocated inside it."""

    def __init__(self):
        super().__init__()
        self.current_bytes = 0
        self.peak_bytes = 0
        # storage id -> weak reference whose callback releases its bytes
        self._live: Dict[int, weakref.ref] = {}

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        output = func(*args, **kwargs)
        # In-place ops, ``out=`` variants and views return storages that already existed.
        given = {id(leaf.untyped_storage()) for leaf in tree_leaves((args, kwargs))
                 if isinstance(leaf, torch.Tensor)}
        for leaf in tree_leaves(output):
            if isinstance(leaf, torch.Tensor):
                self._track(leaf, given)
        return output

    def _track(self, tensor: torch.Tensor, given: Set[int]) -> None:
        storage = tensor.untyped_storage()
        key = id(storage)
        if key in self._live or key in given:
            return
        size = storage.nbytes()
        self._live[key] = weakref.ref(storage, lambda _ref, key=key, size=size: self._release(key, size))
        self.current_bytes += size
        self.peak_bytes = max(self.peak_bytes, self.current_bytes)

    def _release(self, key: int, size: int) -> None:
        if self._live.pop(key, None) is not None:
            self.current_bytes -= size

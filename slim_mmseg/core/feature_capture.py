"""Reading a module's output during a forward pass."""
from contextlib import contextmanager
from typing import Any, Iterator, Optional

import torch
from torch import Tensor, nn


def as_feature(output: Any) -> Tensor:
    """A module's output as one (N, ...) tensor.

    Backbone stages return tensors; some modules return tuples or dicts (for instance a patch
    embedding returns ``(tokens, hw_shape)``). Their tensors that share the batch size of the first
    one are flattened per sample and concatenated; non-tensor parts are ignored.
    """
    if isinstance(output, Tensor):
        return output
    values = output.values() if isinstance(output, dict) else output
    tensors = list(_tensors(values))
    if not tensors:
        raise TypeError(f'module output of type {type(output).__name__} holds no tensor to compare')
    batch = tensors[0].shape[0]
    return torch.cat([t.reshape(batch, -1) for t in tensors if t.dim() > 0 and t.shape[0] == batch], dim=1)


def _tensors(values: Any) -> Iterator[Tensor]:
    for value in values:
        if isinstance(value, Tensor):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from _tensors(value)
        elif isinstance(value, dict):
            yield from _tensors(value.values())


class CapturedOutput:
    """Holds the last output a module produced inside :func:`capture_output`."""

    def __init__(self) -> None:
        self.value: Optional[Tensor] = None

    @property
    def feature(self) -> Tensor:
        if self.value is None:
            raise RuntimeError('the captured module did not run in the forward pass; is it part of the '
                               'path from the input to the loss?')
        return self.value


@contextmanager
def capture_output(module: Optional[nn.Module], detach: bool = False) -> Iterator[CapturedOutput]:
    """Record ``module``'s output (as :func:`as_feature`) while the block runs; ``None`` records nothing."""
    captured = CapturedOutput()
    if module is None:
        yield captured
        return

    def record(_module: nn.Module, _inputs: Any, output: Any) -> None:
        feature = as_feature(output)
        captured.value = feature.detach() if detach else feature

    handle = module.register_forward_hook(record)
    try:
        yield captured
    finally:
        handle.remove()


"""A forward pass that stops as soon as one module has produced its output.

The SLIM term needs the clean feature f_l(x) of the drawn layer l only; when no pass over the clean
batch happens anyway, the layers after l need not run. The forward is ended by an exception raised
from l's forward hook, which unwinds every frame of the model's forward without running the rest.
"""
from typing import Any, Callable, List

from torch import Tensor, nn

from .feature_capture import as_feature


class _FeatureReady(Exception):
    """Raised from the module's hook to end the forward early."""


def feature_until(module: nn.Module, run_forward: Callable[[], Any], name: str = '') -> Tensor:
    """``module``'s output (as :func:`.feature_capture.as_feature`, detached) in the forward pass
    that ``run_forward`` starts; the modules after it do not run. Gradient mode, normalisation
    modes and random state are the caller's to set around the call."""
    captured: List[Tensor] = []

    def stop(_module, _inputs, output):
        captured.append(as_feature(output).detach())
        raise _FeatureReady

    handle = module.register_forward_hook(stop)
    try:
        run_forward()
    except _FeatureReady:
        pass
    finally:
        handle.remove()
    if not captured:
        raise RuntimeError(f'layer {name or type(module).__name__!r} did not run in the forward pass')
    return captured[0]

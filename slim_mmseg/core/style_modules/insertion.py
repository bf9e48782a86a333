"""Inserting style modules at named positions of any model, with forward hooks.

A *position* is the dotted name of a sub-module whose output is an (N, C, H, W) tensor (e.g.
``backbone.layer1`` of a ResNet, ``backbone.layers.0.0.projection`` of mmseg's MiT); the style
module is applied to that output. A name with shell wildcards (``*``, ``?``, ``[...]``; ``*`` also
matches dots) stands for every matching module in definition order, e.g. ``backbone.*conv*`` for
every convolution of an mmseg ResNet, which is where pAdaIN's authors put their layer (before each
BatchNorm; onuriel/PermutedAdaIN ``README.md``). ASA's ResNets place modules after conv1 (before bn1), after the
max-pool and after layer1..layer4 (YBZh/AdvStyle ``Dassl.pytorch/dassl/modeling/backbone/resnet.py``,
variants ``lc01234``, ``l123``...); with hooks any such place of any backbone can be named in a
config, and the model's own code stays untouched.

Channel counts come from one *probe* forward at build time (evaluation mode, no gradient, so no
buffer or parameter changes), which also validates the configuration: an unknown name raises a
``ValueError`` listing valid names, close matches first (:func:`..module_lookup.resolve_module`);
a position that does not run in the forward pass, or whose output is not (N, C, H, W), raises a
``ValueError`` naming it. The probe also records the order in which positions and watched layers
(SLIM's candidates) run, which :mod:`.slim_control` uses to refuse layers that no module can reach.
"""
import difflib
import fnmatch
import inspect
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

import torch
from torch import Tensor, nn

from ..module_lookup import resolve_module
from ..random_streams import shared_seed
from .base import StyleModule
from .registry import STYLE_MODULES


def probe_outputs(model: nn.Module, names: Sequence[str], run_forward: Callable[[], Any],
                  role: str = 'module') -> Dict[str, Any]:
    """Run ``run_forward`` once (no grad, ``model`` in eval mode) and return, for each name in
    ``names``, ``(order, output)``: the rank of its first call among ``names`` and its last output."""
    modules = {name: resolve_module(model, name, role) for name in names}
    seen: Dict[str, Any] = {}
    order: List[str] = []

    def recorder(name: str):
        def record(_module, _inputs, output):
            if name not in order:
                order.append(name)
            seen[name] = output
        return record

    handles = [module.register_forward_hook(recorder(name)) for name, module in modules.items()]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            run_forward()
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    missing = [name for name in names if name not in seen]
    if missing:
        raise ValueError(f'{role}(s) {missing} did not run in the forward pass of '
                         f'{type(model).__name__}; name modules on the path from the input to the output')
    return {name: (order.index(name), seen[name]) for name in names}


class StyleAugmentation(nn.Module):
    """Style modules of one type at ``positions`` of ``model``.

    Args:
        model: the network whose sub-modules receive the hooks (it does not own this module: keep
            both as children of one wrapper so that both train/eval and save together).
        positions: dotted names of sub-modules with (N, C, H, W) outputs.
        type: registered style module name (``ASA``, ``DSU``, ``MixStyle``, ``pAdaIN``).
        run_probe: runs one forward of ``model`` on a representative input.
        watch: further module names whose execution order is recorded by the probe (SLIM layers).
        seed: module i's streams derive from ``seed + i``; ``None`` uses the run's seed as rank 0
            has it (:func:`..random_streams.shared_seed`: identical on every rank).
        **module_args: passed to the style module class (e.g. ``p``, ``adv_weight``).
    """

    def __init__(self, model: nn.Module, positions: Sequence[str], type: str,
                 run_probe: Callable[[], Any], watch: Sequence[str] = (), seed: Optional[int] = None,
                 **module_args):
        super().__init__()
        self.positions = expand_positions(model, positions)
        if not self.positions:
            raise ValueError('style augmentation needs at least one position (a module name)')
        if len(set(self.positions)) != len(self.positions):
            raise ValueError(f'positions repeat a name: {self.positions}')
        cls = STYLE_MODULES.get(type)
        if not (inspect.isclass(cls) and issubclass(cls, StyleModule)):
            raise TypeError(f'style module {type!r} is registered as {cls!r}, not a StyleModule subclass')
        self.type = type
        names = list(dict.fromkeys([*self.positions, *watch]))
        probed = probe_outputs(model, names, run_probe, role='style position or SLIM layer')
        self.order = {name: index for name, (index, _) in probed.items()}
        base_seed = shared_seed(seed)
        modules = {}
        for index, position in enumerate(self.positions):
            output = probed[position][1]
            if not isinstance(output, Tensor) or output.dim() != 4:
                described = tuple(output.shape) if isinstance(output, Tensor) else type_name(output)
                raise ValueError(f'style position {position!r} outputs {described}, not an (N, C, H, W) '
                                 'tensor; choose a module whose output is a feature map (for '
                                 'transformers, e.g. a patch embedding\'s projection conv)')
            modules[key_of(position)] = cls(channels=output.shape[1], seed=base_seed + index, **module_args)
        self.style_modules = nn.ModuleDict(modules)
        self.trace: Optional[List[str]] = None
        self._handles: list = []
        self.attach_hooks(model)

    def attach_hooks(self, model: nn.Module) -> None:
        """Hook the modules onto ``model``'s positions (done at build time). After
        :meth:`remove_hooks` this puts them back, so that an analysis can apply them to one forward
        pass only and leave the model without hooks in between."""
        if self._handles:
            raise RuntimeError('the style modules are hooked already; call remove_hooks() first')
        self._handles = [resolve_module(model, position).register_forward_hook(self._hook(position))
                         for position in self.positions]

    def _hook(self, position: str):
        module = self.style_modules[key_of(position)]

        def apply(_module, _inputs, output):
            if self.trace is not None:
                self.trace.append(position)
            return module(output)
        return apply

    def module_at(self, position: str) -> StyleModule:
        return self.style_modules[key_of(position)]

    def items(self):
        return [(position, self.module_at(position)) for position in self.positions]

    @contextmanager
    def tracing(self) -> Iterator[List[str]]:
        """Inside the block, ``trace`` lists the positions in the order their hooks ran."""
        self.trace = []
        try:
            yield self.trace
        finally:
            self.trace = None

    @contextmanager
    def disabled(self) -> Iterator[None]:
        """Inside the block every module returns its input unchanged and draws no random number."""
        previous = [m.active for _, m in self.items()]
        for _, module in self.items():
            module.active = False
        try:
            yield
        finally:
            for (_, module), active in zip(self.items(), previous):
                module.active = active

    @property
    def needs_domains(self) -> bool:
        return any(getattr(m, 'needs_domains', False) for _, m in self.items())

    def set_domains(self, domains) -> None:
        for _, module in self.items():
            if getattr(module, 'needs_domains', False):
                module.set_domains(domains)

    def remove_hooks(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []


def expand_positions(model: nn.Module, positions: Sequence[str]) -> tuple:
    """Names with wildcards replaced by the matching module names (definition order)."""
    if isinstance(positions, str):
        raise TypeError(f'positions must be a list of module names, got the string {positions!r}')
    names = [name for name, _ in model.named_modules() if name]
    expanded = []
    for position in positions:
        if not any(c in position for c in '*?['):
            expanded.append(position)
            continue
        matches = [name for name in names if fnmatch.fnmatchcase(name, position)]
        if not matches:
            close = difflib.get_close_matches(position.replace('*', ''), names, n=5)
            raise ValueError(f'style position pattern {position!r} matches no module of '
                             f'{type(model).__name__}; close names: {", ".join(close) or "none"}')
        expanded.extend(matches)
    return tuple(expanded)


def key_of(position: str) -> str:
    # ModuleDict keys may not contain dots.
    return position.replace('.', '__')


def type_name(value: Any) -> str:
    return f'a {type(value).__name__}'

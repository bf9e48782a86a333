"""SLIM routed into ASA's control factors.

The SLIM paper integrates SLIM into AdvStyle (Zhang et al. 2023) by updating "the control factor of
feature statics": the control factors Sigma ascend

    L_task(f(x~), y) + lambda * L_dict(f_l(x), f_l(x~))

while the network weights descend L_task alone (l, L_dict, lambda from a
:class:`~slim_mmseg.core.SLIMSampler` draw). One training step:

1. ``clean_reference``: a forward of the clean batch without gradient, with every style module off
   and normalisation layers using the batch's statistics without updating their running buffers
   (:func:`..batchnorm.batchnorm_statistics_frozen`), stopped as soon as layer l has produced f_l(x)
   (a private exception raised from l's hook). The global random state is forked around it, so
   dropout in the prefix does not shift the stream the training forward sees;
2. the training forward, as in ASA; ``adversarial_capture`` records f_l(x~) and which ASA modules
   took the AdvStyle branch *before* l ran;
3. ``control_gradients``: ``torch.autograd.grad`` of ``lambda * L_dict`` with respect to those
   modules' control factors only (``retain_graph=True``). No weight gradient is computed, so every
   weight gradient of the step is bit-identical to ASA's; ``autograd.grad`` (unlike ``backward``
   with ``inputs=``) also does not fire DDP's gradient-ready hooks;
4. the task backward (as in ASA), then ``add_control_gradients`` adds the SLIM gradients to the
   factors' ``.grad`` (averaged over distributed ranks, like DDP averages the rest), and one
   optimizer step. Through the gradient reversal the factors then ascend the SLIM term too.

Reachability. Only layers downstream of an active module carry the term. At build time a SLIM layer
that runs before every style position (so no module can ever reach it) is an error. At run time a
draw whose layer no module *in the AdvStyle branch* preceded (all upstream modules took the identity
or DSU branch) has no control factor to update: it is skipped, counted in ``skipped`` and logged.

No random start is needed (unlike the image-level adversary's ``DEFAULT_SLIM_RANDOM_START``): the
dictionary losses are stationary at x~ = x, but an active module draws fresh noise times a non-zero
factor, so x~ != x whenever the AdvStyle branch is taken.
"""
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, List, Optional

import torch
import torch.distributed as dist
from torch import Tensor, nn

from ..batchnorm import batchnorm_statistics_frozen
from ..feature_capture import as_feature
from ..module_lookup import resolve_module
from ..slim_sampler import SLIMDraw, SLIMSampler
from ..slim_term import SLIMTerm
from .asa import ADVSTYLE, ASA
from .insertion import StyleAugmentation


class _ReferenceReady(Exception):
    """Raised from the SLIM layer's hook to end the clean reference forward early."""


@dataclass
class AdversarialCapture:
    """f_l(x~) of the training forward and the ASA modules in the AdvStyle branch upstream of l."""
    feature: Optional[Tensor] = None
    upstream: List[ASA] = field(default_factory=list)


class SLIMControlFactors:
    """Args:
        model: the network the style modules are inserted in.
        augmentation: its :class:`.insertion.StyleAugmentation`, of type ``'ASA'``, built with the
            sampler's layers in ``watch`` (so that their execution order is known).
        sampler: draws (l, L_dict, lambda) per step.
    """

    def __init__(self, model: nn.Module, augmentation: StyleAugmentation, sampler: SLIMSampler):
        if augmentation.type != 'ASA':
            raise ValueError(f'SLIM updates ASA\'s control factors; augmentation type '
                             f'{augmentation.type!r} has none (use type=\'ASA\' or slim=None)')
        first_position = min(augmentation.order[p] for p in augmentation.positions)
        for layer in sampler.layers:
            resolve_module(model, layer, 'SLIM layer')
            if layer not in augmentation.order:
                raise ValueError(f'SLIM layer {layer!r} was not probed: build the augmentation '
                                 'with the SLIM layers in watch')
            if augmentation.order[layer] < first_position:
                raise ValueError(f'SLIM layer {layer!r} runs before every style position '
                                 f'{list(augmentation.positions)}, so no control factor can reach '
                                 'it; choose layers at or after the first position')
        self.model = model
        self.augmentation = augmentation
        self.sampler = sampler
        self.skipped = 0
        self.applied = 0

    def draw(self) -> SLIMDraw:
        return self.sampler.draw()

    def clean_reference(self, layer: str, run_forward: Callable[[], Any]) -> Tensor:
        """f_l(x) from ``run_forward`` (a forward of the clean batch), detached; no module, buffer
        or random stream changes."""
        module = resolve_module(self.model, layer, 'SLIM layer')
        captured: List[Tensor] = []

        def stop(_module, _inputs, output):
            captured.append(as_feature(output).detach())
            raise _ReferenceReady

        devices = [torch.cuda.current_device()] if torch.cuda.is_available() and torch.cuda.is_initialized() else []
        handle = module.register_forward_hook(stop)
        try:
            with torch.no_grad(), self.augmentation.disabled(), batchnorm_statistics_frozen(self.model), \
                    torch.random.fork_rng(devices=devices):
                run_forward()
        except _ReferenceReady:
            pass
        finally:
            handle.remove()
        if not captured:
            raise RuntimeError(f'SLIM layer {layer!r} did not run in the clean forward pass')
        return captured[0]

    @contextmanager
    def adversarial_capture(self, layer: str) -> Iterator[AdversarialCapture]:
        """Inside the block (the training forward), record f_l(x~) and the active upstream modules."""
        record = AdversarialCapture()
        module = resolve_module(self.model, layer, 'SLIM layer')
        with self.augmentation.tracing() as trace:
            def capture(_module, _inputs, output):
                record.feature = as_feature(output)
                upstream = dict.fromkeys(trace)
                record.upstream = [m for m in (self.augmentation.module_at(p) for p in upstream)
                                   if m.last_branch == ADVSTYLE]

            handle = module.register_forward_hook(capture)
            try:
                yield record
            finally:
                handle.remove()

    def control_gradients(self, draw: SLIMDraw, clean: Tensor, record: AdversarialCapture) -> List[Tensor]:
        """Gradients of ``lambda * L_dict`` for every ASA control factor (zeros where no module
        reaches l); a draw with no active upstream module is counted in ``skipped``."""
        factors = self.all_factors()
        gradients = [torch.zeros_like(f) for f in factors]
        if record.feature is None:
            raise RuntimeError(f'SLIM layer {draw.layer!r} did not run in the training forward pass')
        reaching = [f for m in record.upstream for f in m.control_factors]
        if not reaching:
            self.skipped += 1
            return gradients
        term = SLIMTerm(draw, clean).value(record.feature)
        partial = torch.autograd.grad(term, reaching, retain_graph=True, allow_unused=True)
        by_id = {id(f): g for f, g in zip(reaching, partial)}
        self.applied += 1
        return [by_id.get(id(f)) if by_id.get(id(f)) is not None else g for f, g in zip(factors, gradients)]

    def add_control_gradients(self, gradients: List[Tensor], scale: float = 1.0) -> None:
        """Add ``scale * gradients`` (averaged over ranks when distributed) to the factors' grads."""
        factors = self.all_factors()
        flat = torch.cat([g.flatten() for g in gradients]) * scale
        if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
            dist.all_reduce(flat)
            flat /= dist.get_world_size()
        offset = 0
        for factor in factors:
            piece = flat[offset:offset + factor.numel()].view_as(factor)
            offset += factor.numel()
            factor.grad = piece.clone() if factor.grad is None else factor.grad + piece

    def all_factors(self) -> List[nn.Parameter]:
        return [f for _, m in self.augmentation.items() for f in m.control_factors]

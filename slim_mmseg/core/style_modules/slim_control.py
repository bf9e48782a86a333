"""SLIM routed into ASA's control factors.

The SLIM paper integrates SLIM into AdvStyle (Zhang et al. 2023) by updating "the control factor of
feature statics": the control factors Sigma ascend

    L_task(f(x~), y) + lambda * L_dict(f_l(x), f_l(x~))

while the network weights descend L_task alone (l, L_dict, lambda from a
:class:`~slim_mmseg.core.SLIMSampler` draw). A training step is one call,
:meth:`SLIMControlFactors.step`, which owns the whole sequence:

1. draw (l, L_dict, lambda);
2. clean reference: a forward of the clean batch without gradient, with every style module off
   and normalisation layers using the batch's statistics without updating their running buffers
   (:func:`..batchnorm.batchnorm_statistics_frozen`), stopped as soon as layer l has produced f_l(x)
   (:func:`..feature_capture.forward_until`). The global random state is forked around it, so
   dropout in the prefix does not shift the stream the training forward sees;
3. the training forward, as in ASA, recording f_l(x~) and which ASA modules took the AdvStyle
   branch *before* l ran;
4. control gradients: ``torch.autograd.grad`` of the SLIM term with respect to those modules'
   control factors only (``retain_graph=True``). No weight gradient is computed, so every weight
   gradient of the step is bit-identical to ASA's; ``autograd.grad`` (unlike ``backward`` with
   ``inputs=``) also does not fire DDP's gradient-ready hooks;
5. the task backward (the caller's ``backward``, e.g. the optimizer wrapper's, which applies the
   AMP loss scale), then accumulation: the SLIM gradients, averaged over distributed ranks like DDP
   averages the rest, times the loss scale, are added to the factors' ``.grad``. Through the
   gradient reversal the factors then ascend the SLIM term too. The caller then steps.

Scale (:mod:`..slim_term`). ``'mean'`` and ``'paper'``: the term is ``mean_i lambda_i * L_i`` at that
scale (one lambda for the batch with ``draw='batch'``, one per sample with ``draw='sample'``).
``'balanced'``: the factors are shared by the batch, so the balance is per factor *tensor*: the
gradient of ``mean_i lambda_i * L_i`` (literal losses) of each factor tensor is rescaled to
``mean_i |lambda_i|`` (``|lambda|`` for a batch draw) times the norm of that tensor's task gradient,
keeping its direction (lambda's sign included), and added
(:func:`..slim_balance.balance` with ``batch_dim=False``). The task gradient exists only after the
task backward, so the rescaling happens between that backward and the optimizer step, on the
rank-averaged gradients (so every rank computes the same factors), with the loss scale undone.

Reachability. Only layers downstream of an active module carry the term. At build time a SLIM layer
that runs before every style position (so no module can ever reach it) is an error. At run time a
draw whose layer no module *in the AdvStyle branch* preceded (all upstream modules took the identity
or DSU branch) has no control factor to update: it is skipped, counted in ``skipped`` and reported.

No random start is needed (unlike the image-level adversary's ``DEFAULT_SLIM_RANDOM_START``): the
dictionary losses are stationary at x~ = x, but an active module draws fresh noise times a non-zero
factor, so x~ != x whenever the AdvStyle branch is taken.
"""
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, List, Optional, Tuple

import torch
import torch.distributed as dist
from torch import Tensor, nn

from ..batchnorm import batchnorm_statistics_frozen
from ..feature_capture import as_feature
from ..module_lookup import resolve_module
from ..partial_forward import feature_until
from ..slim_sampler import SLIMDraw, SLIMSampler
from ..slim_balance import balance
from ..slim_term import SLIMTerm, check_scale
from .asa import ADVSTYLE, ASA
from .insertion import StyleAugmentation


@dataclass
class AdversarialCapture:
    """f_l(x~) of the training forward and the ASA modules in the AdvStyle branch upstream of l."""
    feature: Optional[Tensor] = None
    upstream: List[ASA] = field(default_factory=list)


@dataclass
class ControlStep:
    """What :meth:`SLIMControlFactors.step` returns.

    ``output``: what the training forward returned beside its loss. ``skipped``: no ASA module in
    the AdvStyle branch preceded the drawn layer (no factor received a SLIM gradient). ``ratio``:
    when measured, ``||SLIM part added|| / ||task gradient||`` of every factor tensor the term
    reached (the loss scale undone; ``|lambda|`` by construction with ``'balanced'``), else
    ``None``. ``zero_gradients``: with ``'balanced'``, how many reached factor tensors had a zero
    task or SLIM gradient (no SLIM contribution then, see :mod:`..slim_balance`), else ``None``.
    """
    draw: SLIMDraw
    output: Any
    skipped: bool
    ratio: Optional[Tensor] = None
    zero_gradients: Optional[Tensor] = None


def average_over_ranks(flat: Tensor) -> None:
    """In place: the mean of ``flat`` over the ``torch.distributed`` ranks (nothing when not distributed)."""
    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        dist.all_reduce(flat)
        flat /= dist.get_world_size()


class SLIMControlFactors:
    """Args:
        model: the network the style modules are inserted in.
        augmentation: its :class:`.insertion.StyleAugmentation`, of type ``'ASA'``, built with the
            sampler's layers in ``watch`` (so that their execution order is known).
        sampler: draws (l, L_dict, lambda) per step (per batch or per sample, its ``draw`` mode).
        scale: ``'mean'``, ``'paper'`` or ``'balanced'`` (module docstring).
    """

    def __init__(self, model: nn.Module, augmentation: StyleAugmentation, sampler: SLIMSampler,
                 scale: str = 'mean'):
        self.scale = check_scale(scale)
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

    # -- one call ------------------------------------------------------------------------------
    def step(self, batch_size: int, clean_forward: Callable[[], Any],
             training_forward: Callable[[], Tuple[Tensor, Any]], backward: Callable[[Tensor], None], *,
             loss_scale: float = 1.0, average: Callable[[Tensor], None] = average_over_ranks,
             measure_ratio: bool = False) -> ControlStep:
        """Draw, clean reference (``clean_forward()``: a forward of the clean batch), training
        forward (``training_forward() -> (loss, output)``) with capture, control gradients, task
        backward (``backward(loss)``), then the SLIM gradients averaged over ranks (``average``,
        in place on one flat tensor) and multiplied by ``loss_scale`` (the factor by which
        ``backward`` scaled the task gradients, AMP) added to the factors' ``.grad``.
        The caller steps the optimizer."""
        draw = self.sampler.draw(batch_size)
        clean = self.clean_reference(draw.layer, clean_forward)
        with self.adversarial_capture(draw.layer) as record:
            loss, output = training_forward()
        gradients = self.control_gradients(draw, clean, record)
        backward(loss)
        factors = self.all_factors()
        flat = torch.cat([g.flatten() for g in gradients])
        average(flat)
        gradients = _unflatten(flat, factors)
        task = [torch.zeros_like(f) if f.grad is None else f.grad / loss_scale for f in factors]
        reached = {id(f) for m in record.upstream for f in m.control_factors}
        zero_gradients = None
        if self.scale == 'balanced':
            mixed, stats = balance(task, gradients, draw.weights.abs().mean(), batch_dim=False)
            gradients = [m - t for m, t in zip(mixed, task)]
            hit = torch.tensor([id(f) in reached for f in factors]).to(stats.zero_task.device, non_blocking=True)
            zero_gradients = ((stats.zero_task | stats.zero_dict) & hit).sum()
        ratio = None
        if measure_ratio:
            ratio = torch.stack([_ratio(g, t) for f, g, t in zip(factors, gradients, task)
                                 if id(f) in reached]) if reached else torch.zeros(0)
        for factor, gradient in zip(factors, gradients):
            gradient = gradient * loss_scale
            factor.grad = gradient if factor.grad is None else factor.grad + gradient
        return ControlStep(draw, output, not record.upstream, ratio, zero_gradients)

    # -- the parts -----------------------------------------------------------------------------
    def clean_reference(self, layer: str, run_forward: Callable[[], Any]) -> Tensor:
        """f_l(x) from ``run_forward`` (a forward of the clean batch), detached; no module, buffer
        or random stream changes, and the layers after l do not run."""
        module = resolve_module(self.model, layer, 'SLIM layer')
        devices = [torch.cuda.current_device()] if torch.cuda.is_available() and torch.cuda.is_initialized() else []
        with torch.no_grad(), self.augmentation.disabled(), batchnorm_statistics_frozen(self.model), \
                torch.random.fork_rng(devices=devices):
            return feature_until(module, run_forward, f'SLIM layer {layer}')

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
        """Gradients of the SLIM term for every ASA control factor (zeros where no module reaches
        l); a draw with no active upstream module is counted in ``skipped``."""
        factors = self.all_factors()
        gradients = [torch.zeros_like(f) for f in factors]
        if record.feature is None:
            raise RuntimeError(f'SLIM layer {draw.layer!r} did not run in the training forward pass')
        reaching = [f for m in record.upstream for f in m.control_factors]
        if not reaching:
            self.skipped += 1
            return gradients
        term = SLIMTerm(draw, clean, self.scale)
        per_sample = term.per_sample(record.feature)
        value = (term.weights(per_sample) * per_sample).mean()
        partial = torch.autograd.grad(value, reaching, retain_graph=True, allow_unused=True)
        by_id = {id(f): g for f, g in zip(reaching, partial)}
        self.applied += 1
        return [by_id.get(id(f)) if by_id.get(id(f)) is not None else g for f, g in zip(factors, gradients)]

    def all_factors(self) -> List[nn.Parameter]:
        return [f for _, m in self.augmentation.items() for f in m.control_factors]


def _ratio(part: Tensor, task: Tensor) -> Tensor:
    """``||part|| / ||task||``, ``nan`` for a zero task gradient."""
    task_norm = task.norm()
    return part.norm() / task_norm if task_norm > 0 else torch.full((), float('nan'))


def _unflatten(flat: Tensor, like: List[Tensor]) -> List[Tensor]:
    pieces, offset = [], 0
    for tensor in like:
        pieces.append(flat[offset:offset + tensor.numel()].view_as(tensor))
        offset += tensor.numel()
    return pieces

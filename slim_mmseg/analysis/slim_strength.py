"""How strong the SLIM term is against the task loss in one training ascent, for each scale.

SLIM's attack ascends ``L_task + lambda * L_dict`` (Eq. 2 of the paper); what ``lambda ~ U(-1, 1)``
means depends on how large ``L_dict``'s gradient is next to ``L_task``'s with respect to the
ascended tensor (pixels, style statistics, control factors). For one batch, every candidate layer,
dictionary loss, weight ``lambda`` and scale (``'mean'``, ``'paper'``, ``'balanced'``, see
:mod:`slim_mmseg.core.slim_term`), :func:`ascent_strength` measures, from the ascent's random start:

- the per-sample ratio ``||lambda * grad L_dict|| / ||grad L_task||`` (for ``'balanced'`` the
  ratio of the dictionary contribution that :func:`~slim_mmseg.core.slim_balance.balance` mixes in,
  ``|lambda|`` by definition); samples whose task gradient is zero have no ratio and are counted;
- the share of step signs the term flips (``sign(g_task + lambda g_dict) != sign(g_task)``);
- after the whole ascent (:func:`~slim_mmseg.core.ascend`, same random start): the task loss and,
  with labels, the accuracy at the adversarial point; for pixel attacks also the share of
  ``x_adv``'s elements that differ from the task-only attack's, beside the share that another
  random start changes (the noise floor: below it SLIM changes ``x_adv`` less than chance does).

:func:`control_factor_strength` measures the ratio and sign flips for ASA's control factors (no
ascent of their own: they are trained with the weights), per factor tensor, since the factors are
shared by the batch.

Every evaluation runs under a fixed torch seed, so that stochastic layers (dropout) draw alike in
the runs that are compared.
"""
import statistics as stats
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import torch
from torch import Tensor, nn

from slim_mmseg.core import NORM_MODES, SLIMTerm, ascend, capture_output
from slim_mmseg.core.slim_balance import balance
from slim_mmseg.core.slim_sampler import SLIMDraw
from slim_mmseg.core.slim_term import SLIM_SCALES

WEIGHTS = (-1.0, -0.5, 0.5, 1.0)


@dataclass
class AscentSetting:
    """One batch's training ascent, as the training step runs it.

    Args:
        model: the trained network (layer names relative to it).
        inputs: the clean batch the ascent starts from.
        perturbation: a :class:`~slim_mmseg.core.PixelPerturbation` or
            :class:`~slim_mmseg.core.StyleStatisticsPerturbation` (its random start is drawn anew
            from the given seed for every run).
        task_loss: the method's attack loss of the model input yielded by the perturbation (a
            batch mean, as every attack loss here).
        steps, step_size, norm_mode: the ascent's (see :func:`~slim_mmseg.core.ascend`).
        clean_forward: runs the model on the clean batch (records the SLIM layers' clean features).
        predict: logits of a perturbed model input, for the accuracy (``None``: no accuracy).
        labels: (N,) class indices for the accuracy.
        pixel: whether the ascended tensor is ``x_adv`` itself (adds the ``x_adv`` comparison).
    """
    model: nn.Module
    inputs: Tensor
    perturbation: Any
    task_loss: Callable[[Tensor], Tensor]
    steps: int
    step_size: float
    norm_mode: str
    clean_forward: Callable[[Tensor], Any]
    predict: Optional[Callable[[Tensor], Tensor]] = None
    labels: Optional[Tensor] = None
    pixel: bool = False


def fixed_draw(layer: str, layer_index: int, losses: Sequence[str], loss_index: int, weight: float,
               batch_size: int) -> SLIMDraw:
    """A 'batch'-mode draw of one layer, loss and weight for every sample."""
    return SLIMDraw(layer=layer, layer_index=layer_index, losses=tuple(losses),
                    loss_indices=torch.full((batch_size, ), loss_index, dtype=torch.long),
                    weights=torch.full((batch_size, ), float(weight)), mode='batch')


@contextmanager
def seeded(seed: int, device: Optional[torch.device] = None) -> Iterator[None]:
    """The global torch generators (CPU, and ``device``'s when it is a GPU) forked and seeded:
    stochastic layers draw alike in every run."""
    devices = [device] if device is not None and device.type == 'cuda' else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def per_sample_norms(tensors: Sequence[Tensor]) -> Tensor:
    """``sqrt(sum_t ||t[i]||^2)`` over tensors whose first dimension is the sample, shape (N,)."""
    return torch.stack([t.detach().flatten(1).float().pow(2).sum(dim=1) for t in tensors]).sum(dim=0).sqrt()


def mixed_step(task: Sequence[Tensor], dictionary: Sequence[Tensor], weight: float, scale: str,
               batch_dim: bool = True) -> Tuple[List[Tensor], Tensor, Tensor]:
    """``(mixed gradients, ratio, zero_task)`` of one step: ``g_task + lambda * g_dict`` for
    ``'mean'`` and ``'paper'``, :func:`balance`'s mix for ``'balanced'``; ``ratio`` is the norm of
    what the dictionary term adds over the task gradient's norm, per sample (per tensor when
    ``batch_dim`` is False), NaN where the task gradient is zero (flagged in ``zero_task``)."""
    if scale not in SLIM_SCALES:
        raise ValueError(f'unknown SLIM scale {scale!r}; valid: {", ".join(SLIM_SCALES)}')
    if scale == 'balanced':
        count = task[0].shape[0] if batch_dim else 1
        weights = torch.full((count, ), float(weight)) if batch_dim else torch.tensor(float(weight))
        mixed, balance_stats = balance(list(task), list(dictionary), weights, batch_dim=batch_dim)
        return mixed, balance_stats.ratio, balance_stats.zero_task
    added = [weight * d for d in dictionary]
    if batch_dim:
        task_norm, added_norm = per_sample_norms(task), per_sample_norms(added)
    else:  # every tensor on its own (the control factors, shared by the batch)
        task_norm = torch.stack([t.detach().float().norm() for t in task])
        added_norm = torch.stack([a.detach().float().norm() for a in added])
    zero_task = task_norm == 0
    ratio = torch.where(zero_task, torch.full_like(task_norm, float('nan')), added_norm / task_norm)
    return [t + a for t, a in zip(task, added)], ratio, zero_task


def sign_flip_share(task: Sequence[Tensor], mixed: Sequence[Tensor]) -> float:
    """Share of elements whose step sign differs between the task-only and the mixed gradient."""
    flipped = sum(int((t.sign() != m.sign()).sum()) for t, m in zip(task, mixed))
    return flipped / sum(t.numel() for t in task)


def median(values: Tensor) -> float:
    finite = [float(v) for v in values.flatten() if torch.isfinite(v)]
    return stats.median(finite) if finite else float('nan')


def clean_features(setting: AscentSetting, layers: Sequence[str]) -> Dict[str, Tensor]:
    """Every layer's clean feature from one no-grad clean pass, normalisation as in the ascent."""
    with ExitStack() as stack:
        captured = {layer: stack.enter_context(capture_output(setting.model.get_submodule(layer), detach=True))
                    for layer in layers}
        with torch.no_grad(), NORM_MODES.get(setting.norm_mode)(setting.model):
            setting.clean_forward(setting.inputs)
    return {layer: capture.feature for layer, capture in captured.items()}


def start_gradients(setting: AscentSetting, term: SLIMTerm, seed: int) -> Tuple[List[Tensor], List[Tensor]]:
    """Gradients of the task loss and of the (unweighted, batch-mean) dictionary loss with respect
    to the ascended tensors at the random start drawn from ``seed``."""
    generator = torch.Generator(device=setting.inputs.device).manual_seed(seed)
    state = setting.perturbation.start(setting.inputs, generator)
    with seeded(seed, setting.inputs.device), torch.enable_grad(), NORM_MODES.get(setting.norm_mode)(setting.model), \
            setting.perturbation.perturbed(setting.model, setting.inputs, state) as model_inputs, \
            capture_output(term.module(setting.model)) as captured:
        task = setting.task_loss(model_inputs)
        dictionary = term.per_sample(captured.feature).mean()
    task_grads = gradients(task, state, retain=True)
    dict_grads = gradients(dictionary, state, retain=False)
    return task_grads, dict_grads


def gradients(value: Tensor, tensors: Sequence[Tensor], retain: bool) -> List[Tensor]:
    """``d value / d tensors``, detached, zeros for tensors ``value`` does not depend on."""
    grads = torch.autograd.grad(value, list(tensors), retain_graph=retain, allow_unused=True)
    return [torch.zeros_like(t) if g is None else g.detach() for t, g in zip(tensors, grads)]


def run_ascent(setting: AscentSetting, term: Optional[SLIMTerm], seed: int):
    generator = torch.Generator(device=setting.inputs.device).manual_seed(seed)
    with seeded(seed, setting.inputs.device):
        return ascend(setting.model, setting.inputs, setting.perturbation, setting.task_loss, steps=setting.steps,
                      step_size=setting.step_size, norm_mode=setting.norm_mode, slim=term, generator=generator)


def outcome(setting: AscentSetting, result, seed: int) -> Dict[str, float]:
    """Task loss and (with labels) accuracy at the ascent's end point."""
    with seeded(seed, setting.inputs.device), torch.no_grad(), NORM_MODES.get(setting.norm_mode)(setting.model), \
            setting.perturbation.perturbed(setting.model, setting.inputs, result.state) as model_inputs:
        record = dict(attack_loss=float(setting.task_loss(model_inputs)))
        if setting.predict is not None and setting.labels is not None:
            predicted = setting.predict(model_inputs).argmax(dim=1)
            record['attack_accuracy'] = float((predicted == setting.labels).float().mean())
    return record


def ascent_strength(setting: AscentSetting, layers: Sequence[str], losses: Sequence[str],
                    scales: Sequence[str] = SLIM_SCALES, weights: Sequence[float] = WEIGHTS,
                    seed: int = 0, noise_seed: int = 1, full_ascent: bool = True) -> Dict[str, Any]:
    """``dict(task_only=..., records=[...])``: the task-only attack's outcome (and its noise floor
    for pixel attacks) and one record per layer, loss, scale and weight (see the module docstring).
    ``full_ascent=False`` measures the start gradients only."""
    for scale in scales:
        if scale not in SLIM_SCALES:
            raise ValueError(f'unknown SLIM scale {scale!r}; valid: {", ".join(SLIM_SCALES)}')
    task_only: Dict[str, float] = {}
    baseline = None
    if full_ascent:
        baseline = run_ascent(setting, None, seed)
        task_only = outcome(setting, baseline, seed)
        if setting.pixel:
            other = run_ascent(setting, None, noise_seed)
            task_only['noise_floor_changed'] = float((other.inputs != baseline.inputs).float().mean())
    features = clean_features(setting, layers)
    records = []
    batch = setting.inputs.shape[0]
    for layer_index, layer in enumerate(layers):
        for loss_index, loss in enumerate(losses):
            for scale in scales:
                unit = SLIMTerm(fixed_draw(layer, layer_index, losses, loss_index, 1.0, batch), features[layer],
                                scale=scale)
                task_grads, dict_grads = start_gradients(setting, unit, seed)
                for weight in weights:
                    mixed, ratio, zero_task = mixed_step(task_grads, dict_grads, weight, scale)
                    record = dict(layer=layer, loss=loss, scale=scale, weight=float(weight),
                                  median_ratio=median(ratio), zero_task_samples=int(zero_task.sum()),
                                  sign_flip_share=sign_flip_share(task_grads, mixed))
                    if full_ascent:
                        term = SLIMTerm(fixed_draw(layer, layer_index, losses, loss_index, weight, batch),
                                        features[layer], scale=scale)
                        result = run_ascent(setting, term, seed)
                        record.update(outcome(setting, result, seed))
                        if setting.pixel:
                            record['x_adv_changed'] = float((result.inputs != baseline.inputs).float().mean())
                    records.append(record)
    return dict(task_only=task_only, records=records)


def control_factor_strength(task_grads: Sequence[Tensor], dict_grads: Sequence[Tensor], weight: float,
                            scale: str) -> Dict[str, Any]:
    """Ratio (per factor tensor) and sign flips of the SLIM term on ASA's control factors, from the
    gradients of the training forward's task loss and of the unweighted dictionary loss. Factors
    the layer's output does not depend on (zero dictionary gradient) are left out and counted."""
    reached = [bool(d.abs().sum() > 0) for d in dict_grads]
    task = [t for t, r in zip(task_grads, reached) if r]
    if not task:
        return dict(median_ratio=float('nan'), ratios=[], factors_reached=0, zero_task_factors=0,
                    sign_flip_share=0.0)
    mixed, ratio, zero_task = mixed_step(task, [d for d, r in zip(dict_grads, reached) if r], weight, scale,
                                         batch_dim=False)
    return dict(median_ratio=median(ratio), ratios=[float(r) for r in ratio], factors_reached=len(task),
                zero_task_factors=int(zero_task.sum()), sign_flip_share=sign_flip_share(task, mixed))

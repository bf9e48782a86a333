"""Adversarial weight perturbation (Wu et al., "Adversarial Weight Perturbation Helps Robust
Generalization", NeurIPS 2020), following csdongxian/AWP ``AT_AWP/utils_awp.py`` and
``trades_AWP/utils_awp.py``.

Per training step, after ``x_adv`` has been crafted on the unperturbed model:

1. direction: the reference copies the model into a proxy (``proxy.load_state_dict``), puts it in
   training mode and takes one SGD step on ``-loss`` (``-CE(f(x_adv), y)`` for AT,
   ``-(CE(f(x), y) + beta * KL_batchmean)`` for TRADES); the weight difference
   ``Δ = w_proxy - w = lr * ∇_w loss``;
2. per layer, for weights with more than one dimension only (BatchNorm weights and biases are
   skipped), the relative perturbation ``v = ||w|| / (||Δ|| + 1e-20) * Δ``;
3. ``w <- w + gamma * v``; loss on ``x_adv`` (and ``x``), backward, optimizer step; then the
   perturbation is removed (the reference subtracts ``gamma * v``).

Choices here, and why:

- No proxy copy. In step 2 the proxy's learning rate cancels (``Δ / ||Δ||`` does not depend on it;
  only the 1e-20 floor would, far below float resolution), so the direction is the gradient of the
  loss at ``w``, taken with ``torch.autograd.grad`` on the model itself in training mode with
  BatchNorm's running statistics frozen, as the proxy would see it (a forward in training mode
  with batch statistics) while leaving the model's buffers and ``.grad`` untouched, like the proxy.
  The reference's proxy learning rates (0.01 in ``AT_AWP/train_cifar10.py``, ``args.lr`` = 0.1 in
  ``trades_AWP/train_trades_cifar.py``) therefore need no option. Under torch.distributed the
  gradient is averaged over ranks, as the reference's ``nn.DataParallel`` proxy sees the whole batch.
- Exact restore. Removing the perturbation by subtraction is not exact in floating point; here the
  weights become ``w + (w_after_step - (w + gamma * v))``: the original weights plus exactly the
  optimizer's update (bitwise ``w`` when no step was taken).
- State. The reference's proxy is reloaded from the model every step and its SGD has no momentum,
  so AWP carries no state across steps: resuming needs nothing beyond the model and the epoch.

Defaults: ``gamma = 0.01`` with PGD-AT (``AT_AWP/train_cifar10.py --awp-gamma``, ``--awp-warmup 0``)
and ``gamma = 0.005`` with TRADES (``trades_AWP/train_trades_cifar.py --awp-gamma 0.005``,
``--awp-warmup 10`` with epochs counted from 1, i.e. ``warmup_epochs=9`` with mmengine's 0-based
epochs).
"""
from contextlib import contextmanager
from typing import Callable, Dict, Iterator

import torch
import torch.distributed as dist
from torch import Tensor, nn

from ..batchnorm import batchnorm_statistics_frozen

NORM_FLOOR = 1e-20  # utils_awp.py's EPS


def perturbed_weights(model: nn.Module):
    """The parameters AWP perturbs: trainable ones with more than one dimension (conv and linear
    weights), as ``diff_in_weights`` selects them."""
    return [(name, param) for name, param in model.named_parameters()
            if param.requires_grad and param.dim() > 1]


class AdversarialWeightPerturbation:
    """Args:
        gamma: size of the perturbation relative to each layer's weight norm (AT 0.01, TRADES 0.005).
        warmup_epochs: AWP is applied from this (0-based) epoch on.
    """

    def __init__(self, gamma: float = 0.01, warmup_epochs: int = 0):
        if gamma <= 0:
            raise ValueError(f'AWP gamma must be > 0 (use awp=None to switch AWP off), got {gamma}')
        if warmup_epochs < 0:
            raise ValueError(f'AWP warmup_epochs must be >= 0, got {warmup_epochs}')
        self.gamma = float(gamma)
        self.warmup_epochs = int(warmup_epochs)

    def active(self, epoch: int) -> bool:
        return epoch >= self.warmup_epochs

    def perturbation(self, model: nn.Module, loss_fn: Callable[[], Tensor]) -> Dict[str, Tensor]:
        """``gamma * ||w|| / (||g|| + 1e-20) * g`` per perturbed weight, ``g = ∇_w loss_fn()``.

        ``loss_fn`` runs the model (training mode; BatchNorm buffers are frozen here) and returns
        the scalar the adversary increases.
        """
        named = perturbed_weights(model)
        if not named:
            raise ValueError(f'AWP found no trainable weight with more than one dimension in '
                             f'{type(model).__name__}')
        with torch.enable_grad(), batchnorm_statistics_frozen(model):
            loss = loss_fn()
        grads = torch.autograd.grad(loss, [param for _, param in named], allow_unused=True)
        grads = [torch.zeros_like(p) if g is None else g for (_, p), g in zip(named, grads)]
        if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
            flat = torch.cat([g.flatten() for g in grads])
            dist.all_reduce(flat)
            flat /= dist.get_world_size()
            grads = [chunk.view_as(g) for chunk, g in zip(flat.split([g.numel() for g in grads]), grads)]
        return {name: self.gamma * param.detach().norm() / (grad.norm() + NORM_FLOOR) * grad
                for (name, param), grad in zip(named, grads)}

    @staticmethod
    @contextmanager
    def applied(model: nn.Module, perturbation: Dict[str, Tensor]) -> Iterator[None]:
        """Inside the block the weights are ``w + perturbation``; on exit they are ``w`` plus
        whatever update was made inside (the optimizer step), computed exactly as
        ``w + (w_now - (w + perturbation))``."""
        params = dict(model.named_parameters())
        unknown = sorted(set(perturbation) - set(params))
        if unknown:
            raise KeyError(f'AWP perturbation names unknown parameters: {unknown}')
        originals = {name: params[name].detach().clone() for name in perturbation}
        with torch.no_grad():
            for name, delta in perturbation.items():
                params[name].add_(delta)
        try:
            yield
        finally:
            with torch.no_grad():
                for name, delta in perturbation.items():
                    update = params[name] - (originals[name] + delta)
                    params[name].copy_(originals[name] + update)

"""Module-wise Hessian trace by Hutchinson's estimator (the SLIM paper's Figs. 1 and 3).

For a module with weight ``w`` the trace of the loss Hessian block ``H_ww = d^2 L / dw^2`` is
estimated as the running mean of ``v^T H_ww v`` over Rademacher vectors ``v`` (entries +-1), the
estimator and stopping rule of PyHessian (``pyhessian/hessian.py``, ``hessian.trace(maxIter=100,
tol=1e-3)``): stop once the relative change of the running mean,
``|mean_k - mean_{k-1}| / (|mean_{k-1}| + 1e-6)``, is below ``tol``, or after ``max_samples``
vectors. PyHessian estimates the whole network's trace only; here ``v`` is drawn on one module's
weight at a time (zero elsewhere), so ``v^T H v`` estimates that module's diagonal block of the
Hessian, and the blocks' traces sum to the whole network's (conv / linear weights only).

Memory and cost: the loss gradient with respect to every analysed weight is computed once with
``create_graph=True`` (one graph for all modules); each Hessian-vector product
``H_ww v = d(g_w . v)/dw`` then differentiates that same graph again (``retain_graph=True``). The cost
is one gradient graph plus (modules x samples) Hessian-vector products, each about one backward pass;
:class:`HessianTraces` reports both counts and the seconds taken.
"""
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence

import torch
from torch import Tensor, nn

from slim_mmseg.core import evaluation_mode, resolve_module

# PyHessian's defaults (pyhessian/hessian.py, trace(maxIter=100, tol=1e-3)).
DEFAULT_MAX_SAMPLES = 100
DEFAULT_TOL = 1e-3
WEIGHTED_TYPES = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Linear)


@dataclass
class ModuleTrace:
    module: str
    trace: float            # estimated tr(H_ww)
    parameters: int         # number of entries of w
    samples: int            # Rademacher vectors used
    converged: bool         # stopped by the tolerance rather than by max_samples

    @property
    def trace_per_parameter(self) -> float:
        return self.trace / self.parameters


@dataclass
class HessianTraces:
    modules: List[ModuleTrace] = field(default_factory=list)
    hessian_vector_products: int = 0
    seconds: float = 0.0


def weighted_modules(model: nn.Module) -> List[str]:
    """Names of the convolution and linear modules of ``model`` (with a weight), in module order."""
    return [name for name, module in model.named_modules()
            if isinstance(module, WEIGHTED_TYPES) and getattr(module, 'weight', None) is not None]


def hessian_traces(model: nn.Module, loss_of: Callable[[nn.Module], Tensor],
                   modules: Optional[Sequence[str]] = None, max_samples: int = DEFAULT_MAX_SAMPLES,
                   tol: float = DEFAULT_TOL, generator: Optional[torch.Generator] = None) -> HessianTraces:
    """Hutchinson estimate of ``tr(d^2 L / dw^2)`` for each module's weight.

    Args:
        model: the network; put in evaluation mode for the computation (as PyHessian does), its
            modes restored afterwards.
        loss_of: ``loss_of(model)`` returns the scalar loss (e.g. the cross-entropy on one clean
            or adversarial batch).
        modules: dotted module names (each with a ``weight``); default: every conv / linear module.
        max_samples: most Rademacher vectors per module (PyHessian's ``maxIter`` = 100).
        tol: relative-change tolerance of the running mean (PyHessian's ``tol`` = 1e-3).
        generator: for the Rademacher draws (seeded determinism).
    """
    if max_samples < 1:
        raise ValueError(f'max_samples must be >= 1, got {max_samples}')
    names = list(modules) if modules is not None else weighted_modules(model)
    if not names:
        raise ValueError(f'{type(model).__name__} has no convolution or linear module to analyse')
    weights = []
    for name in names:
        weight = getattr(resolve_module(model, name, role='Hessian module'), 'weight', None)
        if not isinstance(weight, Tensor) or not weight.requires_grad:
            raise ValueError(f'module {name!r} has no trainable weight tensor: give conv / linear modules')
        weights.append(weight)
    result = HessianTraces()
    start = time.process_time()
    with evaluation_mode(model), torch.enable_grad():
        loss = loss_of(model)
        gradients = torch.autograd.grad(loss, weights, create_graph=True)
        for name, weight, gradient in zip(names, weights, gradients):
            if not gradient.requires_grad:  # the loss is linear in this weight: its block is zero
                result.modules.append(ModuleTrace(name, 0.0, weight.numel(), 0, True))
                continue
            estimates: List[float] = []
            running_mean, converged = 0.0, False
            while len(estimates) < max_samples:
                vector = torch.randint(0, 2, weight.shape, generator=generator).to(weight) * 2 - 1
                product, = torch.autograd.grad(gradient, weight, grad_outputs=vector, retain_graph=True)
                estimates.append(float((product * vector).sum()))
                result.hessian_vector_products += 1
                new_mean = sum(estimates) / len(estimates)
                if abs(new_mean - running_mean) / (abs(running_mean) + 1e-6) < tol:
                    converged = True
                    running_mean = new_mean
                    break
                running_mean = new_mean
            result.modules.append(ModuleTrace(name, running_mean, weight.numel(), len(estimates), converged))
    result.seconds = time.process_time() - start
    return result

"""Flatness by weight noise (the SLIM paper's Fig. 5, after BYOT, Zhang et al., ICCV 2019).

For each ``sigma`` of a sweep, Gaussian noise ``N(0, sigma^2)`` is added independently to every
entry of every parameter (weights, biases and normalisation affine parameters; buffers such as BN
running statistics are left alone), accuracy and mean cross-entropy are measured with the whole
model in evaluation mode, and the parameters are restored bit-exactly before the next draw. The
flatter minimum is the one whose accuracy falls (and loss rises) more slowly with ``sigma``.
The noise is absolute, not scaled by each weight's magnitude.
"""
from typing import Dict, List, Sequence, Tuple

import torch
from torch import Tensor, nn

from slim_mmseg.core import evaluation_mode

from .prediction_metrics import accuracy_and_loss


def weight_noise_sweep(model: nn.Module, batches: Sequence[Tuple[Tensor, Tensor]], sigmas: Sequence[float],
                       draws: int = 5, seed: int = 0) -> List[Dict[str, float]]:
    """One record per ``sigma``: ``accuracy`` and ``loss`` averaged over ``draws`` noise draws, and
    their standard deviations over draws (``*_std``, 0 for one draw).

    ``batches`` is a sequence (it is iterated once per draw). ``sigma = 0`` is measured once,
    without adding anything: it reproduces the unperturbed model's accuracy exactly.
    """
    if draws < 1:
        raise ValueError(f'draws must be >= 1, got {draws}')
    if any(sigma < 0 for sigma in sigmas):
        raise ValueError(f'sigmas must be >= 0, got {list(sigmas)}')
    parameters = [p for p in model.parameters()]
    original = [p.detach().clone() for p in parameters]
    generator = torch.Generator().manual_seed(seed)
    records = []
    try:
        with evaluation_mode(model):
            for sigma in sigmas:
                results = []
                for _ in range(draws if sigma > 0 else 1):
                    if sigma > 0:
                        with torch.no_grad():
                            for parameter in parameters:
                                noise = torch.randn(parameter.shape, generator=generator, dtype=torch.float32)
                                parameter.add_(noise.to(parameter), alpha=sigma)
                    results.append(accuracy_and_loss(model, batches))
                    _restore(parameters, original)
                values = torch.tensor(results, dtype=torch.float64)
                std = values.std(dim=0, unbiased=True) if len(results) > 1 else torch.zeros(2, dtype=torch.float64)
                records.append(dict(sigma=float(sigma), accuracy=float(values[:, 0].mean()),
                                    loss=float(values[:, 1].mean()), accuracy_std=float(std[0]),
                                    loss_std=float(std[1]), draws=len(results)))
    finally:
        _restore(parameters, original)
    return records


def _restore(parameters: List[nn.Parameter], original: List[Tensor]) -> None:
    with torch.no_grad():
        for parameter, value in zip(parameters, original):
            parameter.copy_(value)

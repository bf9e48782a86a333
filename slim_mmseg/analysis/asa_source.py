"""Feature-level AdvStyle (ASA, Zhang et al. 2023) as a perturbation source of the feature cosine.

Unlike the pixel sources (:mod:`.perturbation_sources`) this perturbation lives inside the network:
``f_l(x')`` are the layer features of one forward pass in which ASA modules
(:class:`slim_mmseg.core.style_modules.ASA`, hooked on by
:class:`~slim_mmseg.core.style_modules.StyleAugmentation`) at ``positions`` take their AdvStyle
branch, ``mu' = mu + e_mu * Sigma_mu``, ``sigma' = sigma + e_sigma * Sigma_sigma`` with
``e ~ N(0, 1)`` per sample and channel from the modules' own seeded generators, while the rest of the
model is in evaluation mode (BN running statistics), as for every other source.

Control factors Sigma:

- ``control_factors={position: (Sigma_mu, Sigma_sigma)}``: e.g. those an ASA-trained model learned
  (``tools/analysis/model_loading.py`` reads them from a ``StyleAugmented`` checkpoint);
- ``None``: ASA's *initial* perturbation, not a learned one: as ``asa.py`` does on its first
  AdvStyle forward, the first analysed batch sets each Sigma to DSU's batch estimate
  ``sqrt(var over the batch of mu (resp. sigma) + eps)``, kept for the later batches. This is what
  ASA training would start from on this model (e.g. an ERM or AdvStyle-Zhong model).

The ASA modules are hooked on for the perturbed forward only and are never children of the model:
afterwards the model has no added hooks, and its parameters, buffers and modes are unchanged.
"""
from typing import Dict, Optional, Sequence, Tuple

import torch
from torch import Tensor, nn

from slim_mmseg.core import evaluation_mode
from slim_mmseg.core.style_modules import StyleAugmentation

from .layer_features import Features, layer_features

ControlFactors = Dict[str, Tuple[Tensor, Tensor]]
# (identity, AdvStyle, DSU): the AdvStyle branch at every module and batch.
ADVSTYLE_BRANCH_ONLY = (0.0, 1.0, 0.0)


class ASAStyleSource:
    """Args:
        model: images -> logits; ``positions`` are its dotted module names with (N, C, H, W) outputs.
        positions: where the ASA modules act (wildcards as in ``StyleAugmentation``); the family's
            ``configs/_base_/methods/placement_*.py`` ``positions['ASA']`` in the CLI.
        control_factors: ``{position: (Sigma_mu, Sigma_sigma)}``, each ``(1, C, 1, 1)``, for every
            expanded position; ``None`` for ASA's initial estimate (see the module docstring).
        seed: module ``i``'s noise generator is seeded with ``seed + i`` (as in training).

    The modules are built at the first batch (their channel counts come from a probe forward of
    one of its images).
    """

    def __init__(self, model: nn.Module, positions: Sequence[str], control_factors: Optional[ControlFactors] = None,
                 seed: int = 0):
        if isinstance(positions, str) or not positions:
            raise ValueError(f'ASA positions must be a non-empty list of module names, got {positions!r}')
        self.model, self.positions, self.seed = model, list(positions), seed
        self.given_factors = None if control_factors is None else dict(control_factors)
        self.augmentation: Optional[StyleAugmentation] = None

    @property
    def learned(self) -> bool:
        """Whether the control factors were given (learned), not ASA's initial estimate."""
        return self.given_factors is not None

    def perturbed_features(self, images: Tensor, labels: Tensor, layers: Sequence[str]) -> Features:
        """``{layer: (N, D)}`` of one no-grad forward with the ASA modules on, model in eval mode."""
        with evaluation_mode(self.model):
            augmentation = self._modules(images)
            augmentation.attach_hooks(self.model)
            try:
                return layer_features(self.model, images, layers)
            finally:
                augmentation.remove_hooks()

    def control_factors(self) -> ControlFactors:
        """The Sigma in use (after the first batch when they are ASA's estimate)."""
        if self.augmentation is None:
            raise RuntimeError('the ASA modules are built at the first batch; run perturbed_features first')
        return {position: (module.mean_factor.detach().clone(), module.std_factor.detach().clone())
                for position, module in self.augmentation.items()}

    def _modules(self, images: Tensor) -> StyleAugmentation:
        if self.augmentation is None:
            augmentation = StyleAugmentation(self.model, self.positions, 'ASA',
                                             run_probe=lambda: self.model(images[:1]), seed=self.seed,
                                             branch_probabilities=ADVSTYLE_BRANCH_ONLY)
            augmentation.remove_hooks()  # hooked on per perturbed forward only
            augmentation.train()  # ASA acts only in training mode; the model itself stays in eval
            if self.given_factors is not None:
                _set_factors(augmentation, self.given_factors)
            self.augmentation = augmentation.to(images.device)
        return self.augmentation


@torch.no_grad()
def _set_factors(augmentation: StyleAugmentation, factors: ControlFactors) -> None:
    expected = list(augmentation.positions)
    if sorted(factors) != sorted(expected):
        raise ValueError(f'control factors are given for {sorted(factors)} but the ASA positions are {expected}; '
                         'give one (Sigma_mu, Sigma_sigma) pair per position, or None for ASA\'s initial estimate')
    for position, module in augmentation.items():
        mean_factor, std_factor = factors[position]
        for name, value, target in (('Sigma_mu', mean_factor, module.mean_factor),
                                    ('Sigma_sigma', std_factor, module.std_factor)):
            if tuple(value.shape) != tuple(target.shape):
                raise ValueError(f'{name} at {position} has shape {tuple(value.shape)}, the module there needs '
                                 f'{tuple(target.shape)} (1, channels, 1, 1): factors of another model?')
            target.copy_(value)
        module.initialized.fill_(True)  # no re-estimate at the first forward

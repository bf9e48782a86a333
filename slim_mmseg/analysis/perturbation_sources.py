"""The perturbations whose effect on features the analyses compare: pixel attacks (PGD with
cross-entropy, PGD with a cosine loss at one layer "PGD-CS", MART's attack), image-level AdvStyle
(Zhong et al., NeurIPS 2022) and a random-corruption baseline. Each is a callable
``perturb(images, labels) -> perturbed images``, with images in [0, 1] and a model that maps them
to logits (normalisation inside the model). :func:`standard_sources` adds feature-level AdvStyle
(ASA, :mod:`.asa_source`), which perturbs inside the network and yields features instead.

The pixel attacks run on the project's one ascent loop (:func:`slim_mmseg.core.ascent.ascend`) with
the model in evaluation mode, as TRADES' and MART's attack loops put it.
"""
from typing import Callable, List, Optional, Sequence

import numpy as np
import torch
from torch import Tensor, nn

from slim_mmseg.core import (INPUT, AdversarialStyleGenerator, PixelPerturbation, ascend, capture_output,
                             evaluation_mode, resolve_module)

from .asa_source import ASAStyleSource, ControlFactors
from .layer_features import cosine_per_sample, layer_features
from .prediction_metrics import mean_cross_entropy

Perturb = Callable[[Tensor, Tensor], Tensor]
PIXEL_LOSSES = ('ce', 'cosine')
ASA_SOURCE = 'AdvStyle (ASA)'


class PixelAttack:
    """L-infinity PGD on the pixels, ascending cross-entropy (``loss='ce'``) or the cosine
    dissimilarity ``1 - cos(f_l(x), f_l(x_adv))`` at ``layer`` (``loss='cosine'``, "PGD-CS"; the
    paper takes the last backbone stage).

    Args:
        model: images in [0, 1] -> logits.
        loss: ``'ce'`` or ``'cosine'``.
        eps, steps, step_size: in [0, 1] pixel units; defaults 8/255, 10, 2/255 (Madry et al.'s
            ``cifar10_challenge/config.json``: epsilon 8, 10 steps of 2 on the 0-255 scale).
        random_start: ``'uniform'`` (PGD) or ``'normal'`` (``x + 0.001 N(0, 1)``, MART's ``mart.py``).
        layer: the module whose output the cosine loss reads (``loss='cosine'`` only).
        seed: of the random start.
    """

    def __init__(self, model: nn.Module, loss: str = 'ce', eps: float = 8 / 255, steps: int = 10,
                 step_size: float = 2 / 255, random_start: str = 'uniform', layer: Optional[str] = None,
                 seed: int = 0):
        if loss not in PIXEL_LOSSES:
            raise ValueError(f'loss must be one of {PIXEL_LOSSES}, got {loss!r}')
        if (loss == 'cosine') != (layer is not None):
            raise ValueError("the cosine loss needs a layer, and only the cosine loss takes one")
        if layer is not None:
            resolve_module(model, layer, role='PGD-CS layer')
        self.model, self.loss, self.layer = model, loss, layer
        self.perturbation = PixelPerturbation(eps, norm='Linf', random_start=random_start)
        self.steps, self.step_size = steps, step_size
        self.generator = torch.Generator().manual_seed(seed)

    def __call__(self, images: Tensor, labels: Tensor) -> Tensor:
        return self.iterates(images, labels)[-1]

    def iterates(self, images: Tensor, labels: Tensor) -> List[Tensor]:
        """``[x_0, x_1, ..., x_steps]``: the random start, each step's result and the final
        adversarial images (all detached)."""
        visited: List[Tensor] = []
        objective = self._objective(images, labels)

        def recorded(adversarial: Tensor) -> Tensor:
            visited.append(adversarial.detach().clone())
            return objective(adversarial)

        result = ascend(self.model, images, self.perturbation, recorded, steps=self.steps,
                        step_size=self.step_size, norm_mode='eval', generator=self.generator)
        return visited + [result.inputs]

    def _objective(self, images: Tensor, labels: Tensor) -> Callable[[Tensor], Tensor]:
        if self.loss == 'ce':
            return lambda adversarial: mean_cross_entropy(self.model(adversarial), labels)
        with evaluation_mode(self.model):
            clean = layer_features(self.model, images, [self.layer])[self.layer]
        module = resolve_module(self.model, self.layer)

        def dissimilarity(adversarial: Tensor) -> Tensor:
            with capture_output(module) as captured:
                self.model(adversarial)
            return 1 - cosine_per_sample(clean, captured.feature).mean()
        return dissimilarity


def mart_attack(model: nn.Module, seed: int = 0) -> PixelAttack:
    """MART's training attack (``mart.py``): start ``x + 0.001 N(0, 1)``, 10 signed steps of 0.007
    ascending cross-entropy, L-infinity radius 0.031, in evaluation mode."""
    return PixelAttack(model, 'ce', eps=0.031, steps=10, step_size=0.007, random_start='normal', seed=seed)


class ImageStyleAttack:
    """Image-level AdvStyle (Zhong et al., NeurIPS 2022): the per-image, per-channel mean and std
    of the input ascended on cross-entropy (:class:`slim_mmseg.core.AdversarialStyleGenerator` at
    position ``'input'``), model in evaluation mode (``norm_mode='eval'``).

    ``step_size`` is in units of [0, 1] images: the digits demo's 0.1 on normalised inputs
    (std 127.5 / 255 = 0.5) is 0.05 here.
    """

    def __init__(self, model: nn.Module, steps: int = 1, step_size: float = 0.05, rule: str = 'sign',
                 seed: int = 0):
        self.model = model
        self.generator = AdversarialStyleGenerator([INPUT], steps=steps, step_size=step_size, rule=rule,
                                                   norm_mode='eval', seed=seed)

    def __call__(self, images: Tensor, labels: Tensor) -> Tensor:
        # The input's statistics need no clean forward pass, and the caller runs the model itself.
        step = self.generator.step(self.model, images, lambda styled: mean_cross_entropy(self.model(styled), labels),
                                   clean_pass=lambda _: None, adversarial_pass=lambda _: None)
        return step.adversarial_inputs.detach()


class RandomCorruption:
    """The random-augmentation baseline: per image, one of albumentations' Gaussian noise
    (std 0.05-0.15 of the range), Gaussian blur (sigma 0.5-1.5) or random brightness / contrast
    (+-0.3), seeded. Not adversarial: it shows how far an input change of comparable visual size
    moves each layer when nothing steers it."""

    def __init__(self, seed: int = 0):
        import albumentations  # a heavy import, only for this baseline
        self.transform = albumentations.Compose([albumentations.OneOf([
            albumentations.GaussNoise(std_range=(0.05, 0.15), p=1.0),
            albumentations.GaussianBlur(blur_limit=(3, 5), sigma_limit=(0.5, 1.5), p=1.0),
            albumentations.RandomBrightnessContrast(brightness_limit=0.3, contrast_limit=0.3, p=1.0),
        ], p=1.0)], seed=seed)

    def __call__(self, images: Tensor, labels: Tensor) -> Tensor:
        arrays = images.detach().permute(0, 2, 3, 1).cpu().numpy().astype(np.float32)
        corrupted = [np.clip(self.transform(image=array)['image'], 0.0, 1.0) for array in arrays]
        return torch.from_numpy(np.stack(corrupted)).permute(0, 3, 1, 2).to(images)


def standard_sources(model: nn.Module, cosine_layer: str, seed: int = 0,
                     names: Optional[Sequence[str]] = None, asa_positions: Optional[Sequence[str]] = None,
                     asa_control_factors: Optional[ControlFactors] = None) -> dict:
    """The comparison set of Fig. 2 on ``model``: ``{name: source}``, in a fixed order; ``names``
    selects a subset (unknown names raise a ``ValueError`` listing the valid ones).

    The pixel sources are ``perturb(images, labels)`` callables; ``'AdvStyle (ASA)'`` is a feature
    source (:class:`.asa_source.ASAStyleSource`) at ``asa_positions`` with ``asa_control_factors``
    (``None``: ASA's initial estimate). It is part of the default set only when ``asa_positions``
    is given, and naming it without them raises a ``ValueError``.
    """
    builders = {
        'PGD': lambda: PixelAttack(model, 'ce', seed=seed),
        'PGD-CS': lambda: PixelAttack(model, 'cosine', layer=cosine_layer, seed=seed),
        'MART': lambda: mart_attack(model, seed=seed),
        'AdvStyle (image)': lambda: ImageStyleAttack(model, seed=seed),
        'random corruption': lambda: RandomCorruption(seed=seed),
        ASA_SOURCE: lambda: ASAStyleSource(model, asa_positions, asa_control_factors, seed=seed),
    }
    if names is None:
        chosen = [name for name in builders if name != ASA_SOURCE or asa_positions is not None]
    else:
        chosen = list(names)
    unknown = [name for name in chosen if name not in builders]
    if unknown:
        raise ValueError(f'unknown perturbation sources {unknown}; valid: {list(builders)}')
    if ASA_SOURCE in chosen and asa_positions is None:
        raise ValueError(f'the {ASA_SOURCE!r} source needs asa_positions (the module names where ASA acts, '
                         "e.g. configs/_base_/methods/placement_wrn.py's positions['ASA'])")
    return {name: builders[name]() for name in chosen}

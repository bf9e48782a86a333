"""The SLIM term of an adversarial objective: ``lambda * L_dict(f_l(x), f_l(x_adv))``, at a chosen scale.

A :class:`SLIMTerm` pairs one :class:`~.slim_sampler.SLIMDraw` (layer ``l``, dictionary loss(es),
``lambda``) with the drawn layer's clean feature ``f_l(x)``, detached, and the term's ``scale``:

- ``'mean'``: the per-sample ``mse`` is divided by the feature size ``D_l`` (the mean over its
  elements), the cosines are used as they are; then ``mean_i lambda_i * L_i``. The term's gradient is
  then a few per cent of the task loss's on CIFAR-sized networks (docs: "SLIM's strength");
- ``'paper'``: Eq. 1 as printed (the ``mse`` summed over the feature's elements), then
  ``mean_i lambda_i * L_i``, reduced over the batch like every task loss of the project (batch means);
  ``mse`` then dominates the task loss by two to three orders of magnitude;
- ``'balanced'``: per sample, the dictionary gradient with respect to the ascended tensor is rescaled
  to ``|lambda_i|`` times the task gradient's norm before the two are added
  (:func:`.slim_balance.balance`), so that ``lambda ~ U(-1, 1)`` is exactly the ratio of the two
  contributions, as the paper's Eq. 2 describes it. The ascent loop (:func:`.ascent.ascend`) takes
  the two gradients apart for it; :meth:`SLIMTerm.value` is not defined at this scale.

The clean feature is recorded during a forward pass that happens anyway (the clean pass of a
training step, TRADES' ``p(x)``), or by a dedicated no-grad pass when none does::

    with SLIMTerm.recording(model, draw, scale='balanced') as term:
        clean_logits = model(images)
    # or
    term = SLIMTerm.from_clean_pass(model, draw, images, scale='paper')
"""
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional

import torch
from torch import Tensor, nn

from .batchnorm import NORM_MODES
from .dictionary_losses import DICTIONARY_LOSSES
from .feature_capture import capture_output
from .module_lookup import resolve_module
from .slim_sampler import SLIMDraw

SLIM_SCALES = ('mean', 'paper', 'balanced')


def check_scale(scale: str) -> str:
    if scale not in SLIM_SCALES:
        raise ValueError(f'unknown SLIM scale {scale!r}; valid: {", ".join(SLIM_SCALES)} '
                         "(docs/adversarial_training.md, \"SLIM's strength\")")
    return scale


@dataclass
class SLIMTerm:
    """One draw, the drawn layer's clean feature (``None`` until recorded) and the term's scale."""
    draw: SLIMDraw
    clean_feature: Optional[Tensor] = None
    scale: str = 'mean'
    # lambda on the ascent's device, copied once per term rather than once per ascent step
    _device_weights: Optional[Tensor] = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_scale(self.scale)

    @property
    def balanced(self) -> bool:
        return self.scale == 'balanced'

    def module(self, model: nn.Module) -> nn.Module:
        return resolve_module(model, self.draw.layer, role='SLIM layer')

    def weights(self, like: Tensor) -> Tensor:
        """``lambda`` per sample in ``like``'s dtype and device, shape (N,) or (1,)."""
        cached = self._device_weights
        if cached is None or cached.device != like.device or cached.dtype != like.dtype:
            cached = self._device_weights = self.draw.weights.to(like.device, like.dtype, non_blocking=True)
        return cached

    def per_sample(self, adversarial_feature: Tensor) -> Tensor:
        """``L_dict`` of each sample (N,), unweighted, in float32 or wider, at this term's scale."""
        clean = self._clean(adversarial_feature)
        if self.draw.mode == 'batch':
            return self._loss(self.draw.loss_index, clean, adversarial_feature)
        values = None
        for index in self.draw.loss_indices.unique().tolist():  # CPU tensor: no device sync
            rows = torch.nonzero(self.draw.loss_indices == index).squeeze(1).to(adversarial_feature.device)
            losses = self._loss(index, clean[rows], adversarial_feature[rows])
            values = losses.new_zeros(adversarial_feature.shape[0]) if values is None else values
            values = values.index_put((rows,), losses)
        return values

    def value(self, adversarial_feature: Tensor) -> Tensor:
        """The term added to the task loss: ``mean_i lambda_i * L_i`` (``'mean'`` and ``'paper'``)."""
        if self.balanced:
            raise RuntimeError("a 'balanced' SLIM term is mixed by gradient norms (slim_balance.balance), "
                               'not added to the loss')
        per_sample = self.per_sample(adversarial_feature)
        return (self.weights(per_sample) * per_sample).mean()

    def _clean(self, adversarial_feature: Tensor) -> Tensor:
        if self.clean_feature is None:
            raise RuntimeError(f'the clean feature of SLIM layer {self.draw.layer!r} was never recorded')
        if self.clean_feature.shape != adversarial_feature.shape:
            raise ValueError(f'SLIM layer {self.draw.layer!r}: clean feature {tuple(self.clean_feature.shape)} '
                             f'and adversarial feature {tuple(adversarial_feature.shape)} differ in shape')
        if self.draw.weights.numel() not in (1, adversarial_feature.shape[0]):
            raise ValueError(f'the SLIM draw is for {self.draw.weights.numel()} samples, the batch has '
                             f'{adversarial_feature.shape[0]}')
        return self.clean_feature

    def _loss(self, index: int, clean: Tensor, adversarial: Tensor) -> Tensor:
        loss = DICTIONARY_LOSSES.get(self.draw.losses[index])
        values = loss(clean, adversarial)
        if self.scale == 'mean' and getattr(loss, 'sums_over_elements', False):
            values = values / adversarial[0].numel()
        return values

    @classmethod
    @contextmanager
    def recording(cls, model: nn.Module, draw: SLIMDraw, scale: str = 'mean') -> Iterator['SLIMTerm']:
        """Records ``f_l`` (detached) during the forward pass run inside the block."""
        term = cls(draw, scale=scale)
        with capture_output(term.module(model), detach=True) as captured:
            yield term
        term.clean_feature = captured.feature

    @classmethod
    def from_clean_pass(cls, model: nn.Module, draw: SLIMDraw, inputs: Tensor, norm_mode: str = 'eval',
                        forward: Optional[Callable[[Tensor], Any]] = None, scale: str = 'mean') -> 'SLIMTerm':
        """A no-grad forward on ``inputs`` just to record ``f_l(x)``, with normalisation layers as in
        the ascent (``norm_mode``, see :mod:`.batchnorm`; no buffer changes). ``forward`` calls the
        model (default: ``model(inputs)``)."""
        with torch.no_grad(), NORM_MODES.get(norm_mode)(model), cls.recording(model, draw, scale) as term:
            (forward or model)(inputs)
        return term

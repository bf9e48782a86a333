"""The SLIM term of an adversarial objective: ``lambda * L_dict(f_l(x), f_l(x_adv))``.

A :class:`SLIMTerm` pairs one :class:`~.slim_sampler.SLIMDraw` (layer ``l``, dictionary loss,
``lambda``) with the drawn layer's clean feature ``f_l(x)``, detached. The ascent loop
(:func:`.ascent.ascend`) captures ``f_l(x_adv)`` during each objective evaluation and adds the term.

The clean feature is recorded during a forward pass that happens anyway (the clean pass of a
training step, TRADES' ``p(x)``), or by a dedicated no-grad pass when none does::

    with SLIMTerm.recording(model, draw) as term:
        clean_logits = model(images)
    # or
    term = SLIMTerm.from_clean_pass(model, draw, images)
"""
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional

import torch
from torch import Tensor, nn

from .batchnorm import NORM_MODES
from .feature_capture import capture_output
from .module_lookup import resolve_module
from .slim_sampler import SLIMDraw


@dataclass
class SLIMTerm:
    """One draw and the drawn layer's clean feature (``None`` until recorded)."""
    draw: SLIMDraw
    clean_feature: Optional[Tensor] = None

    def module(self, model: nn.Module) -> nn.Module:
        return resolve_module(model, self.draw.layer, role='SLIM layer')

    def value(self, adversarial_feature: Tensor) -> Tensor:
        if self.clean_feature is None:
            raise RuntimeError(f'the clean feature of SLIM layer {self.draw.layer!r} was never recorded')
        return self.draw.dictionary_term(self.clean_feature, adversarial_feature)

    @classmethod
    @contextmanager
    def recording(cls, model: nn.Module, draw: SLIMDraw) -> Iterator['SLIMTerm']:
        """Records ``f_l`` (detached) during the forward pass run inside the block."""
        term = cls(draw)
        with capture_output(term.module(model), detach=True) as captured:
            yield term
        term.clean_feature = captured.feature

    @classmethod
    def from_clean_pass(cls, model: nn.Module, draw: SLIMDraw, inputs: Tensor, norm_mode: str = 'eval',
                        forward: Optional[Callable[[Tensor], Any]] = None) -> 'SLIMTerm':
        """A no-grad forward on ``inputs`` just to record ``f_l(x)``, with normalisation layers as in
        the ascent (``norm_mode``, see :mod:`.batchnorm`; no buffer changes). ``forward`` calls the
        model (default: ``model(inputs)``)."""
        with torch.no_grad(), NORM_MODES[norm_mode](model), cls.recording(model, draw) as term:
            (forward or model)(inputs)
        return term

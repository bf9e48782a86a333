"""``SLIMAdvStyle``: adversarial style augmentation with SLIM around any mmengine model.

Wraps a segmentor (any mmseg ``EncoderDecoder``-like model) or one of our classifiers and does the
min-max in its training step; prediction and testing go to the wrapped model untouched::

    model = dict(
        type='SLIMAdvStyle',
        model=dict(type='EncoderDecoder', ...),            # any mmseg segmentor config
        adversary=dict(positions=['input'], step_size=0.1, rule='sign'),
        slim=dict(layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4'],
                  losses=['mse', 'ortho', 'reverse'], lambda_range=(-1.0, 1.0)))
    model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')   # for --launcher pytorch

``slim=None`` gives plain AdvStyle. A training step:

1. clean forward and backward; the forward also records the clean style statistics and the drawn
   SLIM layer's clean feature, so SLIM adds no pass of its own;
2. the adversary ascends the style statistics (gradients w.r.t. the statistics only, BN running
   statistics frozen; see :mod:`slim_mmseg.core.adversarial_style`);
3. forward and backward on the adversarial-style batch with the same labels, then one optimizer
   step on the summed gradients.

Backpropagating the clean loss before the inner loop frees the clean graph early: peak memory is
that of one pass, not of the clean and adversarial graphs together. Logged values: the clean losses
(``decode.loss_ce``...), the adversarial ones (``adv.decode.loss_ce``...), ``loss`` (their total), and,
outside the total, ``adv_objective`` (the inner objective), ``slim_layer``, ``slim_loss`` (indices
into the configured lists) and ``slim_lambda``.
"""
from contextlib import nullcontext
from typing import Callable, ContextManager, Dict, Optional, Union

import torch
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from mmseg.registry import MODELS
from torch import Tensor

from slim_mmseg.core import AdversarialStyleGenerator, SLIMSampler
from .wrapped_model import build_wrapped_model

ADV_PREFIX = 'adv.'


@MODELS.register_module()
class SLIMAdvStyle(BaseModel):
    """Adversarial style augmentation (+ SLIM) around ``model``.

    Args:
        model: config of the wrapped model (segmentor or classifier).
        adversary: keyword arguments of :class:`~slim_mmseg.core.AdversarialStyleGenerator`
            (``positions``, ``steps``, ``step_size``, ``rule``, ``random_start``, ``eps``).
        slim: keyword arguments of :class:`~slim_mmseg.core.SLIMSampler` (``layers``, ``losses``,
            ``lambda_range``), or ``None`` for plain AdvStyle.
        adv_loss_weight: weight of the adversarial-batch loss in the outer objective.
        data_preprocessor: mmengine's Runner passes a config's top-level ``data_preprocessor`` to
            the model it builds; it goes to the wrapped model when that has none of its own.
        init_cfg: mmengine initialisation config.
        pretrained, train_cfg, test_cfg: set on the model config by ``mmseg.apis.init_model``
            (to ``None``); a non-``None`` value belongs in the wrapped model's config and is refused.
    """

    def __init__(self, model: dict, adversary: Optional[dict] = None, slim: Optional[dict] = None,
                 adv_loss_weight: float = 1.0, data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None, pretrained: None = None, train_cfg: None = None,
                 test_cfg: None = None):
        super().__init__(init_cfg=init_cfg)
        self.model = build_wrapped_model(type(self).__name__, model, data_preprocessor, pretrained, train_cfg,
                                         test_cfg)
        self.data_preprocessor = self.model.data_preprocessor
        sampler = SLIMSampler(**slim) if slim is not None else None
        self.adversary = AdversarialStyleGenerator(**(adversary or {}), slim=sampler)
        self.adversary.check_names(self.model)
        # Registered as a submodule so that the adversary's random streams travel in checkpoints.
        self.adversary_state = self.adversary.state
        self.adv_loss_weight = adv_loss_weight
        # Switched by SLIMAdvStyleHook (start iteration); plain ERM steps while False.
        self.adversarial_enabled = True
        # When set (by the hook), the next step keeps its clean and adversarial inputs here.
        self.keep_batch = False
        self.last_batch: Optional[Dict[str, object]] = None

    def forward(self, inputs: Tensor, data_samples=None, mode: str = 'tensor'):
        return self.model(inputs, data_samples, mode=mode)

    def train_step(self, data: Union[dict, tuple, list], optim_wrapper: OptimWrapper) -> Dict[str, Tensor]:
        return self.adversarial_train_step(data, optim_wrapper, outer_forward=self, defer_sync=nullcontext)

    def adversarial_train_step(self, data, optim_wrapper: OptimWrapper, outer_forward: Callable,
                               defer_sync: Callable[[], ContextManager]) -> Dict[str, Tensor]:
        """The min-max step.

        ``outer_forward`` runs the two passes that train the weights (the model itself, or its DDP
        wrapper so that their gradients are synchronised); the inner loop always calls the bare
        model. ``defer_sync`` wraps the clean forward/backward (DDP's ``no_sync``): gradients are
        all-reduced once, after the adversarial backward.
        """
        if getattr(optim_wrapper, '_accumulative_counts', 1) != 1:
            raise ValueError('SLIMAdvStyle does two backward passes per step and does not support '
                             'optim_wrapper.accumulative_counts > 1')
        with optim_wrapper.optim_context(self):
            data = self.data_preprocessor(data, True)
        inputs, data_samples = data['inputs'], data['data_samples']
        if not self.adversarial_enabled:
            with optim_wrapper.optim_context(self):
                clean_losses = outer_forward(inputs, data_samples, mode='loss')
            clean_loss, log_vars = self.parse_losses(clean_losses)
            optim_wrapper.update_params(clean_loss)
            return log_vars

        def task_loss(styled_inputs: Tensor) -> Tensor:
            return self.parse_losses(self.model(styled_inputs, data_samples, mode='loss'))[0]

        def clean_pass(clean_inputs: Tensor):
            with defer_sync():
                with optim_wrapper.optim_context(self):
                    clean_loss, clean_vars = self.parse_losses(outer_forward(clean_inputs, data_samples, mode='loss'))
                optim_wrapper.backward(clean_loss)
            return clean_vars

        def adversarial_pass(adv_inputs: Tensor):
            with optim_wrapper.optim_context(self):
                adv_loss, adv_vars = self.parse_losses(outer_forward(adv_inputs, data_samples, mode='loss'))
            optim_wrapper.backward(self.adv_loss_weight * adv_loss)
            return adv_vars

        with optim_wrapper.optim_context(self):
            step = self.adversary.step(self.model, inputs, task_loss, clean_pass, adversarial_pass)
        optim_wrapper.step()
        optim_wrapper.zero_grad()
        log_vars, adv_vars, style, draw = step.clean, step.adversarial, step.style, step.draw
        adv_inputs = step.adversarial_inputs

        if self.keep_batch:
            self.last_batch = dict(inputs=inputs.detach(), adv_inputs=adv_inputs.detach(),
                                   data_samples=data_samples, style=style, draw=draw)
        log_vars['loss'] = log_vars['loss'] + self.adv_loss_weight * adv_vars.pop('loss')
        log_vars.update((ADV_PREFIX + key, value) for key, value in adv_vars.items())
        log_vars['adv_objective'] = style.objective.detach().float()
        if draw is not None:
            log_vars['slim_layer'] = torch.tensor(float(draw.layer_index))
            log_vars['slim_loss'] = torch.tensor(float(draw.loss_index))
            log_vars['slim_lambda'] = torch.tensor(draw.weight)
        return log_vars

    # Checkpoints of slim-mmseg <= 0.1 packed the adversary's random states into one tensor under
    # this wrapper's ``_extra_state``; they are converted to the named entries on load.
    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        packed = state_dict.pop(prefix + '_extra_state', None)
        if packed is not None:
            state_dict.update(self.adversary.legacy_state_dict(packed, prefix + 'adversary_state.'))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

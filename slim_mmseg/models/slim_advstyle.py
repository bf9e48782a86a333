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
that of one pass, not of the clean and adversarial graphs together.

Randomness: the adversary's random start and the SLIM draws are the ``random_start`` and ``slim``
streams of ``random_streams``, derived from the run seed (or ``slim['seed']``) and the stream's
name. Logged values: the clean losses (``decode.loss_ce``...), the adversarial ones
(``adv.decode.loss_ce``...), ``loss`` (their total), and, outside the total, ``adv_objective`` (the
inner objective), ``nonfinite_steps`` (this step's; the running total, kept across resume, is
``model.nonfinite_steps``) and the draw (``slim_layer/<layer>``, ``slim_loss/<loss>``,
``slim_lambda``, see :mod:`.adversarial_wrapper`), at the end of every ``log_interval`` iterations
``slim_ratio`` (median over the batch, first ascent step) and with ``scale='balanced'``
``slim_zero_gradients``.
"""
from typing import Callable, ContextManager, Dict, Optional

import torch
from mmengine.optim import OptimWrapper
from mmseg.registry import MODELS
from torch import Tensor

from slim_mmseg.core import AdversarialStyleGenerator, SLIMSampler
from .adversarial_wrapper import AdversarialWrapper, slim_log_vars, slim_settings, slim_strength_log_vars

ADV_PREFIX = 'adv.'


@MODELS.register_module()
class SLIMAdvStyle(AdversarialWrapper):
    """Adversarial style augmentation (+ SLIM) around ``model``.

    Args:
        model: config of the wrapped model (segmentor or classifier).
        adversary: keyword arguments of :class:`~slim_mmseg.core.AdversarialStyleGenerator`
            (``positions``, ``steps``, ``step_size``, ``rule``, ``random_start``, ``eps``).
        slim: keyword arguments of :class:`~slim_mmseg.core.SLIMSampler` (``layers``, ``losses``,
            ``lambda_range``, ``draw='batch'|'sample'``) and the term's ``scale``
            (``'mean'|'paper'|'balanced'``; the ascent applies it per sample, the statistics being
            per sample), or ``None`` for plain AdvStyle.
        adv_loss_weight: weight of the adversarial-batch loss in the outer objective.
        seed, log_interval, data_preprocessor, init_cfg, pretrained, train_cfg, test_cfg: see
            :class:`.adversarial_wrapper.AdversarialWrapper`.
    """
    accumulation_message = 'does two backward passes per step'

    def __init__(self, model: dict, adversary: Optional[dict] = None, slim: Optional[dict] = None,
                 adv_loss_weight: float = 1.0, seed: Optional[int] = None, **wrapper):
        adversary = dict(adversary or {})
        if 'seed' in adversary:
            raise ValueError('adversary.seed is not used: the random start derives from the wrapper\'s seed '
                             '(SLIMAdvStyle(seed=...) or slim.seed)')
        slim, scale, seed = slim_settings(slim, seed)
        super().__init__(model, seed=seed, **wrapper)
        sampler = SLIMSampler(**slim) if slim is not None else None
        self.use_streams(decisions=('slim',) if sampler is not None else (), noise=('random_start',))
        self.adversary = AdversarialStyleGenerator(**adversary, slim=sampler, slim_scale=scale,
                                                   streams=self.random_streams)
        self.adversary.check_names(self.model)
        self.adv_loss_weight = adv_loss_weight
        # Switched by SLIMAdvStyleHook (start iteration); plain ERM steps while False.
        self.adversarial_enabled = True
        # When set (by the hook), the next step keeps its clean and adversarial inputs here.
        self.keep_batch = False
        self.last_batch: Optional[Dict[str, object]] = None

    def adversarial_train_step(self, data, optim_wrapper: OptimWrapper, outer_forward: Callable,
                               defer_sync: Callable[[], ContextManager]) -> Dict[str, Tensor]:
        """The min-max step. The inner loop always calls the bare model; ``defer_sync`` wraps the
        clean forward/backward (DDP's ``no_sync``): gradients are all-reduced once, after the
        adversarial backward."""
        inputs, data_samples = self.preprocess(data, optim_wrapper)
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
            step = self.adversary.step(self.model, inputs, task_loss, clean_pass, adversarial_pass,
                                       measure=self.adversary.slim is not None and self.measuring_step())
        optim_wrapper.step()
        optim_wrapper.zero_grad()
        log_vars, adv_vars, style, draw = step.clean, step.adversarial, step.style, step.draw
        adv_inputs = step.adversarial_inputs

        if self.keep_batch:
            self.last_batch = dict(inputs=inputs.detach(), adv_inputs=adv_inputs.detach(),
                                   data_samples=data_samples, style=style, draw=draw)
        log_vars['loss'] = log_vars['loss'] + self.adv_loss_weight * adv_vars.pop('loss')
        log_vars.update((ADV_PREFIX + key, value) for key, value in adv_vars.items())
        log_vars['adv_objective'] = torch.as_tensor(style.objective).detach().float()
        log_vars['nonfinite_steps'] = self.count_nonfinite(style.nonfinite_steps)
        if draw is not None:
            log_vars.update(slim_log_vars(draw, self.adversary.slim.layers, self.adversary.slim.losses))
            log_vars.update(slim_strength_log_vars(style.slim_ratio, style.slim_zero_gradients))
        return log_vars

    # Earlier checkpoints keep the adversary's state under ``adversary_state.`` (named streams and
    # count) or, slim-mmseg <= 0.1, packed into one uint8 tensor under ``_extra_state`` (random-start
    # state, SLIM state when SLIM is on, int64 count); both are converted to this wrapper's keys.
    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        old = prefix + 'adversary_state.'
        for key in [k for k in state_dict if k.startswith(old)]:
            rest = key[len(old):]
            new = 'random_streams.' + rest[len('streams.'):] if rest.startswith('streams.') else rest
            state_dict[prefix + new] = state_dict.pop(key)
        packed = state_dict.pop(prefix + '_extra_state', None)
        if packed is not None:
            state_dict.update(self._unpacked_state(packed, prefix))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def _unpacked_state(self, packed: Tensor, prefix: str) -> dict:
        size = self.random_streams['random_start'].get_state().numel()
        slim = self.adversary.slim is not None
        expected = size * (2 if slim else 1) + 8
        if packed.numel() != expected:
            raise ValueError(f'the adversary state in this checkpoint has {packed.numel()} bytes, expected '
                             f'{expected}: was it saved with a different SLIM setting (slim on/off)?')
        packed = packed.to(torch.uint8).cpu()
        entries = {prefix + 'random_streams.random_start._extra_state': packed[:size].clone(),
                   prefix + 'nonfinite_count': packed[-8:].clone().view(torch.int64).reshape(())}
        if slim:
            entries[prefix + 'random_streams.slim._extra_state'] = packed[size:2 * size].clone()
        return entries

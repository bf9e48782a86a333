"""``AdversarialTraining``: PGD-AT, TRADES or MART (+ AWP) (+ SLIM) around an image classifier.

The SLIM paper's adversarial-training half (Table 4): the attack that crafts ``x_adv`` ascends the
method's own attack loss plus, when SLIM is on, ``lambda * L_dict(f_l(x), f_l(x_adv))`` on a layer,
dictionary loss and ``lambda ~ U(-1, 1)`` drawn anew for every batch::

    model = dict(
        type='AdversarialTraining',
        model=dict(type='ImageClassifier', ...,             # inputs in [0, 1], normalised inside
                   data_preprocessor=dict(type='ImgDataPreprocessor', mean=[0.] * 3, std=[255.] * 3),
                   input_mean=[0.4914, 0.4822, 0.4465], input_std=[0.2471, 0.2435, 0.2616]),
        objective=dict(type='TRADES', beta=6.0),             # or PGDAT / MART (slim_mmseg.core.objectives)
        attack=dict(eps=8 / 255, step_size=2 / 255, steps=10),
        slim=dict(layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4']),
        awp=dict(gamma=0.005, warmup_epochs=9))               # or None
    model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')   # for --launcher pytorch

A training step:

1. when the attack compares with ``p(x)`` (TRADES) or SLIM is on, one no-grad forward of the clean
   batch in evaluation mode gives the clean logits and records the drawn layer's clean feature
   (TRADES pays nothing extra for SLIM; PGD-AT and MART pay one no-grad forward);
2. one call of :func:`slim_mmseg.core.ascend`: ``steps`` sign steps (L-inf) or normalised steps
   (L2) of ``step_size`` on ``x_adv`` in the eps-ball and [0, 1], model in evaluation mode,
   gradients w.r.t. ``x_adv`` only (no weight gradient, no buffer change);
3. with AWP active, the weight perturbation is computed and applied
   (:class:`~slim_mmseg.core.objectives.AdversarialWeightPerturbation`);
4. the objective's training loss on ``f(x_adv)`` (and ``f(x)``), both in training mode, backward
   and one optimizer step (then AWP's perturbation is removed).

Pixel space: ``eps`` and ``step_size`` are in [0, 1] image units. The wrapped model must take
images in [0, 1]: its data preprocessor only scales (``mean=[0] * C, std=[255] * C``) and the
classifier normalises inside (``ImageClassifier(input_mean=..., input_std=...)``). A batch outside
[0, 1] raises an error that says so.

Randomness: the attack's random start and the SLIM draws come from their own streams, derived from
``seed`` (default the run's seed) and the stream's name, stored by name in the state dict
(``random_streams.*``), so a resumed run continues both; the random start differs per rank, the
draws do not. AWP keeps no state across steps (see its module).

Logged: the objective's loss terms and ``loss``; outside the sum, ``adv_objective`` (the attack's
last objective), ``nonfinite_steps`` (this step's ascents with a non-finite step; the running total,
kept across resume, is ``model.nonfinite_steps``), ``awp_active``, and with SLIM the draw
(``slim_layer/<layer>``, ``slim_loss/<loss>``, ``slim_lambda``, see
:mod:`.adversarial_wrapper`), at the end of every ``log_interval`` iterations ``slim_ratio`` (the
median over the batch of ``||lambda grad L_dict|| / ||grad L_task||`` at the attack's first step,
one more backward) and with ``scale='balanced'`` ``slim_zero_gradients``. Prediction and testing go
to the wrapped model.
"""
from contextlib import nullcontext
from typing import Callable, ContextManager, Dict, Optional

import torch
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmseg.registry import MODELS
from torch import Tensor

from slim_mmseg.core import (PixelPerturbation, SLIMSampler, SLIMTerm, ascend, capture_output, check_ascent,
                             resolve_module)
from slim_mmseg.core.batchnorm import evaluation_mode
from slim_mmseg.core.objectives import AdversarialWeightPerturbation, build_objective
from slim_mmseg.core.partial_forward import feature_until
from .adversarial_wrapper import AdversarialWrapper, slim_log_vars, slim_settings, slim_strength_log_vars

ATTACK_NORM_MODE = 'eval'  # TRADES' trades.py / MART's mart.py: model.eval() while crafting x_adv


@MODELS.register_module()
class AdversarialTraining(AdversarialWrapper):
    """Adversarial training of ``model`` with ``objective`` (+ SLIM, + AWP).

    Args:
        model: config of the wrapped classifier (``forward(inputs, mode='tensor')`` -> logits,
            data samples with ``gt_label``).
        objective: ``dict(type='PGDAT' | 'TRADES' | 'MART' | 'PGDCS', **arguments)``.
        attack: ``eps`` (default 8/255), ``step_size`` (2/255), ``steps`` (10), ``norm``
            (``'Linf'`` | ``'L2'``), ``random_start`` (default: the objective's, uniform for PGD-AT,
            ``'normal'`` 0.001 * N(0, 1) for TRADES and MART), ``normal_std`` (0.001).
        slim: :class:`~slim_mmseg.core.SLIMSampler` arguments (``layers``: names or ``'all'``,
            :mod:`slim_mmseg.core.layer_candidates`; ``losses``, ``lambda_range``,
            ``draw='batch'|'sample'``) and the term's ``scale``
            (``'mean'|'paper'|'balanced'``, :mod:`slim_mmseg.core.slim_term`), or ``None`` (no SLIM).
        awp: :class:`~slim_mmseg.core.objectives.AdversarialWeightPerturbation` arguments
            (``gamma``, ``warmup_epochs``), or ``None``.
        seed, log_interval, data_preprocessor, init_cfg, pretrained, train_cfg, test_cfg: see
            :class:`.adversarial_wrapper.AdversarialWrapper`.
    """

    accumulation_message = 'crafts its attack and weight perturbation against the weights of each step'

    def __init__(self, model: dict, objective: dict, attack: Optional[dict] = None,
                 slim: Optional[dict] = None, awp: Optional[dict] = None, seed: Optional[int] = None,
                 **wrapper):
        slim, self.slim_scale, seed = slim_settings(slim, seed)
        super().__init__(model, seed=seed, **wrapper)
        self.objective = build_objective(objective)

        attack = dict(attack or {})
        self.steps = int(attack.pop('steps', 10))
        self.step_size = float(attack.pop('step_size', 2 / 255))
        attack.setdefault('eps', 8 / 255)
        attack.setdefault('random_start', self.objective.random_start)
        self.perturbation = PixelPerturbation(**attack)
        check_ascent(self.steps, self.step_size, None, ATTACK_NORM_MODE)

        if slim is not None:  # 'all' becomes the model's intermediate layers, logged
            slim['layers'] = self.slim_layers(slim['layers'])
        self.sampler = SLIMSampler(**slim) if slim is not None else None
        self.use_streams(decisions=('slim',) if slim is not None else (), noise=('random_start',))
        if self.sampler is not None:
            for layer in self.sampler.layers:
                resolve_module(self.model, layer, role='SLIM layer')
            self.sampler.generator = self.random_streams['slim']
        if self.objective.attack_uses_clean_feature:
            resolve_module(self.model, self.objective.attack_uses_clean_feature, role='attack feature layer')
        self.awp = AdversarialWeightPerturbation(**awp) if awp is not None else None

    def adversarial_train_step(self, data, optim_wrapper: OptimWrapper, outer_forward: Callable,
                               defer_sync: Callable[[], ContextManager]) -> Dict[str, Tensor]:
        """One adversarial-training step. The attack and AWP's direction use the bare model;
        ``defer_sync`` is unused: there is one backward per step."""
        # The [0, 1] check is the attack's (PixelPerturbation.start), before any weight changes:
        # checking here too would read the device a second time per step.
        inputs, data_samples = self.preprocess(data, optim_wrapper)
        labels = torch.stack([sample.gt_label for sample in data_samples]).to(inputs.device)

        with optim_wrapper.optim_context(self):
            adversarial, draw = self.attack(inputs, labels, measure=self.sampler is not None and self.measuring_step())
        awp_perturbation = self._weight_perturbation(inputs, adversarial, labels)
        with (self.awp.applied(self.model, awp_perturbation) if awp_perturbation is not None
              else nullcontext()):
            with optim_wrapper.optim_context(self):
                adv_logits = outer_forward(adversarial.inputs, mode='tensor')
                clean_logits = (outer_forward(inputs, mode='tensor') if self.objective.trains_on_clean
                                else None)
            loss, log_vars = self.parse_losses(self.objective.training_loss(adv_logits, labels, clean_logits))
            optim_wrapper.update_params(loss)

        log_vars['adv_objective'] = torch.as_tensor(adversarial.objective).detach().float()
        log_vars['nonfinite_steps'] = self.count_nonfinite(adversarial.nonfinite_steps)
        log_vars['awp_active'] = torch.tensor(float(awp_perturbation is not None))
        if draw is not None:
            log_vars.update(slim_log_vars(draw, self.sampler.layers, self.sampler.losses))
            log_vars.update(slim_strength_log_vars(adversarial.slim_ratio, adversarial.slim_zero_gradients))
        return log_vars

    def attack(self, inputs: Tensor, labels: Tensor, measure: bool = False):
        """``(AscentResult, SLIMDraw or None)``: the training attack on a batch in [0, 1];
        ``measure`` also measures SLIM's strength (one more backward)."""
        draw = self.sampler.draw(inputs.shape[0]) if self.sampler is not None else None
        clean_logits, slim_term = None, None
        # PGD-CS's attack compares a layer's features (AdversarialObjective.attack_uses_clean_feature).
        feature_layer = self.objective.attack_uses_clean_feature
        feature_module = self.model.get_submodule(feature_layer) if feature_layer else None
        # TRADES: p(x) needs the full clean pass; PGD-CS: its (last-stage) feature, recorded in the same pass
        if self.objective.attack_uses_clean_logits or feature_module is not None:
            with torch.no_grad(), evaluation_mode(self.model), \
                    (SLIMTerm.recording(self.model, draw, self.slim_scale) if draw is not None
                     else nullcontext()) as term, \
                    capture_output(feature_module, detach=True) as clean_feature:
                clean_logits = self.model(inputs, mode='tensor').detach()
            slim_term = term
        elif draw is not None:  # SLIM alone needs f_l(x): the clean pass stops at layer l
            with torch.no_grad(), evaluation_mode(self.model):
                feature = feature_until(resolve_module(self.model, draw.layer, role='SLIM layer'),
                                        lambda: self.model(inputs, mode='tensor'), f'SLIM layer {draw.layer!r}')
            slim_term = SLIMTerm(draw, feature, self.slim_scale)

        def attack_loss(adversarial_inputs: Tensor) -> Tensor:
            with capture_output(feature_module) as adversarial_feature:
                adv_logits = self.model(adversarial_inputs, mode='tensor')
            features = (dict(clean_feature=clean_feature.feature, adversarial_feature=adversarial_feature.feature)
                        if feature_module is not None else {})
            return self.objective.attack_loss(adv_logits, labels, clean_logits, **features)

        result = ascend(self.model, inputs, self.perturbation, attack_loss, steps=self.steps,
                        step_size=self.step_size, norm_mode=ATTACK_NORM_MODE, slim=slim_term,
                        generator=self.random_streams['random_start'],
                        measure_slim_ratio=measure and slim_term is not None)
        return result, draw

    def _weight_perturbation(self, inputs: Tensor, adversarial, labels: Tensor) -> Optional[Dict[str, Tensor]]:
        if self.awp is None or not self.awp.active(int(MessageHub.get_current_instance().get_info('epoch', 0))):
            return None

        def adversary_loss() -> Tensor:
            clean = self.model(inputs, mode='tensor') if self.objective.trains_on_clean else None
            terms = self.objective.training_loss(self.model(adversarial.inputs, mode='tensor'), labels, clean)
            return sum(terms.values())

        return self.awp.perturbation(self.model, adversary_loss)

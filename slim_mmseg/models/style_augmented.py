"""``StyleAugmented``: one config key chooses the feature-level style augmentation of any model.

::

    model = dict(
        type='StyleAugmented',
        model=dict(type='EncoderDecoder', ...),          # any mmseg segmentor or our ImageClassifier
        augmentation=dict(type='ASA', positions=['backbone.layer1', 'backbone.layer2'],
                          adv_weight=10.0),              # or 'MixStyle' / 'DSU' / 'pAdaIN'; None = ERM
        slim=dict(layers=['backbone.layer2', 'backbone.layer3'],
                  losses=['mse', 'ortho', 'reverse'], lambda_range=(-1.0, 1.0)))   # ASA only
    model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')   # for --launcher pytorch

The style modules (:mod:`slim_mmseg.core.style_modules`) are hooked onto the named positions and
are identity in evaluation; prediction and testing go to the wrapped model. Optimisation follows
ASA's ``imcls/scripts/run.sh`` (``TRAINER=Vanilla2``, YBZh/AdvStyle): the control factors are
parameters of this model, so the config's optimizer holds them beside the weights and one forward,
one backward and one step train both (the gradient reversal makes the factors ascend). ASA's
alternative trainer (``trainers/vanilla2_advstyle.py``: a separate momentum-free optimizer for the
factors and three factor-only steps per weight step) is not implemented: run.sh does not use it.
To give the factors their own learning rate or no weight decay, use mmengine's ``paramwise_cfg``
(``custom_keys={'mean_factor': ..., 'std_factor': ...}``).

With ``slim`` set, each step also draws a SLIM layer, loss and weight and routes the SLIM term's
gradient into the control factors only, in one call of
:meth:`~slim_mmseg.core.style_modules.SLIMControlFactors.step`; every weight gradient stays ASA's.
The draws come from the ``slim`` stream of ``random_streams``, derived from the run seed (or
``slim['seed']``) and the stream's name, so it never shares a seed with a style module's. Logged:
the task losses; with SLIM the draw (``slim_layer/<layer>``, ``slim_loss/<loss>``, ``slim_lambda``,
see :mod:`.adversarial_wrapper`), ``slim_skipped`` (1 when no AdvStyle-branch module preceded the
drawn layer, so its window average is the skipped share) and, every ``log_interval`` iterations,
``slim_ratio`` (median over the factor tensors the term reached of ||SLIM gradient|| / ||task
gradient||) and with ``scale='balanced'`` ``slim_zero_gradients``.
"""
from typing import Callable, ContextManager, Dict, Optional, Sequence

import torch
from mmengine.optim import OptimWrapper
from mmseg.registry import MODELS
from torch import Tensor

from slim_mmseg.core import SLIMSampler
from slim_mmseg.core.style_modules import SLIMControlFactors, StyleAugmentation, average_over_ranks
from .adversarial_wrapper import AdversarialWrapper, loss_scale, slim_log_vars, slim_settings, slim_strength_log_vars

DEFAULT_PROBE_SIZE = (64, 64)


@MODELS.register_module()
class StyleAugmented(AdversarialWrapper):
    """Args:
        model: config of the wrapped segmentor or classifier.
        augmentation: ``dict(type=<registered style module>, seed=None, **module args)``, or
            ``None`` for ERM.
        positions: module names (wildcards allowed) whose outputs the modules re-style; may
            instead be given as ``augmentation['positions']`` (the configs keep method settings in
            ``configs/_base_/methods/`` and positions per backbone in the setting's files, so they
            pass it here).
        slim: keyword arguments of :class:`~slim_mmseg.core.SLIMSampler` (``layers``, ``losses``,
            ``lambda_range``, ``draw='batch'|'sample'``), the term's ``scale``
            (``'mean'|'paper'|'balanced'``: how it reaches the control factors,
            :mod:`slim_mmseg.core.style_modules.slim_control`) and optionally ``seed``; or ``None``;
            needs ``augmentation.type='ASA'``.
        slim_layers: SLIM's candidate layers, when not given as ``slim['layers']``.
        probe_size: (H, W) of the zero image of the build-time probe forward (on the CPU, in eval
            mode) that finds the positions' channel counts; 64x64 by default, which keeps the probe
            cheap; raise it for models that need larger inputs.
        probe_channels: channels of that image (3).
        seed, log_interval, data_preprocessor, init_cfg, pretrained, train_cfg, test_cfg: see
            :class:`.adversarial_wrapper.AdversarialWrapper`.
    """

    def __init__(self, model: dict, augmentation: Optional[dict] = None, positions: Optional[Sequence[str]] = None,
                 slim: Optional[dict] = None, slim_layers: Optional[Sequence[str]] = None,
                 probe_size: Optional[Sequence[int]] = None, probe_channels: int = 3,
                 seed: Optional[int] = None, **wrapper):
        if slim_layers is not None and slim is None:
            raise ValueError('slim_layers is set but slim is None: give slim=dict(...) or drop slim_layers')
        slim, scale, seed = slim_settings(slim, seed)
        super().__init__(model, seed=seed, **wrapper)
        if augmentation is None:
            if slim is not None:
                raise ValueError('slim needs augmentation=dict(type=\'ASA\', ...): SLIM updates ASA\'s '
                                 'control factors')
            self.augmentation = None
            self.slim = None
            return
        augmentation = dict(augmentation)
        positions = _one_of('positions', positions, augmentation.pop('positions', None), 'augmentation')
        if slim is not None:
            slim = dict(slim, layers=_one_of('slim_layers', slim_layers, slim.get('layers'), 'slim'))
        if 'type' not in augmentation:
            raise ValueError(f"augmentation needs 'type' (one of the registered style modules), got {augmentation}")
        self.probe_shape = (probe_channels, *(probe_size or DEFAULT_PROBE_SIZE))
        self.augmentation = StyleAugmentation(
            self.model, positions, augmentation.pop('type'), run_probe=self._probe,
            watch=tuple(slim['layers']) if slim else (), **augmentation)
        self.slim = (SLIMControlFactors(self.model, self.augmentation, SLIMSampler(**slim), scale)
                     if slim else None)
        if self.slim is not None:
            self.accumulation_message = 'with SLIM adds the control-factor gradients after the backward pass'
            self.use_streams(decisions=('slim',))
            self.slim.sampler.generator = self.random_streams['slim']

    def _probe(self):
        return self.model(torch.zeros(1, *self.probe_shape), None, mode='tensor')

    def adversarial_train_step(self, data, optim_wrapper: OptimWrapper, outer_forward: Callable,
                               defer_sync: Callable[[], ContextManager]) -> Dict[str, Tensor]:
        """One forward, one backward, one step (ASA's trainer); ``defer_sync`` is unused: there is
        a single backward."""
        inputs, data_samples = self.preprocess(data, optim_wrapper)
        if self.augmentation is not None and self.augmentation.needs_domains:
            self.augmentation.set_domains(_domains(data_samples))

        def training_forward():
            with optim_wrapper.optim_context(self):
                losses = outer_forward(inputs, data_samples, mode='loss')
            loss, log_vars = self.parse_losses(losses)
            if self.augmentation is not None:
                # Control factors of modules that took the identity branch are not in this step's graph;
                # a zero term keeps them there, so DDP needs no find_unused_parameters for them.
                loss = loss + 0.0 * sum(p.sum() for p in self.augmentation.parameters())
            return loss, log_vars

        if self.slim is None:
            loss, log_vars = training_forward()
            optim_wrapper.update_params(loss)
            return log_vars

        def clean_forward():
            with optim_wrapper.optim_context(self):
                self.model(inputs, data_samples, mode='tensor')

        step = self.slim.step(inputs.shape[0], clean_forward, training_forward, optim_wrapper.backward,
                              loss_scale=loss_scale(optim_wrapper), average=average_over_ranks,
                              measure_ratio=self.measuring_step())
        optim_wrapper.step()
        optim_wrapper.zero_grad()
        log_vars = step.output
        log_vars.update(slim_log_vars(step.draw, self.slim.sampler.layers, self.slim.sampler.losses))
        log_vars['slim_skipped'] = torch.tensor(float(step.skipped))
        log_vars.update(slim_strength_log_vars(step.ratio, step.zero_gradients))
        return log_vars

    # Checkpoints written before the random streams were unified hold the SLIM draws' generator in
    # this wrapper's ``_extra_state``; it is moved to its stream on load.
    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        packed = state_dict.pop(prefix + '_extra_state', None)
        if packed is not None and packed.numel() and self.slim is not None:
            state_dict.setdefault(prefix + 'random_streams.slim._extra_state', packed)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


def _one_of(name: str, argument, nested, where: str):
    """A list given either as the wrapper's argument ``name`` or inside ``where``, not both."""
    if argument is not None and nested is not None:
        raise ValueError(f'{name} is given twice (as {name}= and inside {where}); keep one')
    if argument is None and nested is None:
        raise ValueError(f'{name} missing: give {name}=[...] or {where}=dict(..., '
                         f'{"positions" if name == "positions" else "layers"}=[...])')
    return list(argument if argument is not None else nested)


def _domains(data_samples) -> list:
    domains = [sample.metainfo.get('domain') for sample in data_samples]
    if any(d is None for d in domains):
        raise ValueError("MixStyle(mix='crossdomain') needs a 'domain' metainfo on every data sample; "
                         'use a domain-tagged dataset or mix=\'random\'')
    return domains

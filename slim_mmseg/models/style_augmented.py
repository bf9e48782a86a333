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
gradient into the control factors only (:mod:`slim_mmseg.core.style_modules.slim_control`); every
weight gradient stays ASA's. Logged: the task losses; with SLIM ``slim_layer``, ``slim_loss``
(indices into the configured lists), ``slim_lambda``, ``slim_skipped`` (1 when no AdvStyle-branch
module preceded the drawn layer) and ``slim_skipped_total``.
"""
from contextlib import nullcontext
from typing import Callable, ContextManager, Dict, Optional, Sequence, Union

import torch
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from mmseg.registry import MODELS
from torch import Tensor

from slim_mmseg.core import SLIMSampler
from slim_mmseg.core.style_modules import SLIMControlFactors, StyleAugmentation
from .wrapped_model import build_wrapped_model

DEFAULT_PROBE_SIZE = (64, 64)


@MODELS.register_module()
class StyleAugmented(BaseModel):
    """Args:
        model: config of the wrapped segmentor or classifier.
        augmentation: ``dict(type=<registered style module>, seed=None, **module args)``, or
            ``None`` for ERM.
        positions: module names (wildcards allowed) whose outputs the modules re-style; may
            instead be given as ``augmentation['positions']`` (the configs keep method settings in
            ``configs/_base_/methods/`` and positions per backbone in the setting's files, so they
            pass it here).
        slim: keyword arguments of :class:`~slim_mmseg.core.SLIMSampler` (``layers``, ``losses``,
            ``lambda_range``, ``seed``), or ``None``; needs ``augmentation.type='ASA'``.
        slim_layers: SLIM's candidate layers, when not given as ``slim['layers']``.
        probe_size: (H, W) of the zero image of the build-time probe forward (on the CPU, in eval
            mode) that finds the positions' channel counts; 64x64 by default, which keeps the probe
            cheap; raise it for models that need larger inputs.
        probe_channels: channels of that image (3).
        data_preprocessor: the Runner's top-level ``data_preprocessor``; goes to the wrapped model
            when that has none.
        init_cfg: mmengine initialisation config.
        pretrained, train_cfg, test_cfg: set to ``None`` by ``mmseg.apis.init_model``; other values
            belong in the wrapped model's config and are refused.
    """

    def __init__(self, model: dict, augmentation: Optional[dict] = None, positions: Optional[Sequence[str]] = None,
                 slim: Optional[dict] = None, slim_layers: Optional[Sequence[str]] = None,
                 probe_size: Optional[Sequence[int]] = None, probe_channels: int = 3,
                 data_preprocessor: Optional[dict] = None, init_cfg: Optional[dict] = None,
                 pretrained: None = None, train_cfg: None = None, test_cfg: None = None):
        super().__init__(init_cfg=init_cfg)
        if slim_layers is not None and slim is None:
            raise ValueError('slim_layers is set but slim is None: give slim=dict(...) or drop slim_layers')
        self.model = build_wrapped_model(type(self).__name__, model, data_preprocessor, pretrained, train_cfg,
                                         test_cfg)
        self.data_preprocessor = self.model.data_preprocessor
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
        self.slim = SLIMControlFactors(self.model, self.augmentation, SLIMSampler(**slim)) if slim else None

    def _probe(self):
        return self.model(torch.zeros(1, *self.probe_shape), None, mode='tensor')

    def forward(self, inputs: Tensor, data_samples=None, mode: str = 'tensor'):
        return self.model(inputs, data_samples, mode=mode)

    def train_step(self, data: Union[dict, tuple, list], optim_wrapper: OptimWrapper) -> Dict[str, Tensor]:
        return self.adversarial_train_step(data, optim_wrapper, outer_forward=self, defer_sync=nullcontext)

    def adversarial_train_step(self, data, optim_wrapper: OptimWrapper, outer_forward: Callable,
                               defer_sync: Callable[[], ContextManager]) -> Dict[str, Tensor]:
        """One forward, one backward, one step (ASA's trainer). ``outer_forward`` is the model or
        its DDP wrapper (:class:`SLIMDistributedDataParallel` calls this method); ``defer_sync``
        is unused: there is a single backward."""
        with optim_wrapper.optim_context(self):
            data = self.data_preprocessor(data, True)
        inputs, data_samples = data['inputs'], data['data_samples']
        if self.augmentation is not None and self.augmentation.needs_domains:
            self.augmentation.set_domains(_domains(data_samples))
        draw = self.slim.draw() if self.slim is not None else None
        clean = None
        if draw is not None:
            if getattr(optim_wrapper, '_accumulative_counts', 1) != 1:
                raise ValueError('StyleAugmented with SLIM adds the control-factor gradients after the '
                                 'backward pass and does not support accumulative_counts > 1')
            with optim_wrapper.optim_context(self):
                clean = self.slim.clean_reference(draw.layer, lambda: self.model(inputs, data_samples, mode='tensor'))
        with optim_wrapper.optim_context(self), \
                (self.slim.adversarial_capture(draw.layer) if draw is not None else nullcontext()) as record:
            losses = outer_forward(inputs, data_samples, mode='loss')
        loss, log_vars = self.parse_losses(losses)
        if self.augmentation is not None:
            # Control factors of modules that took the identity branch are not in this step's graph;
            # a zero term keeps them there, so DDP needs no find_unused_parameters for them.
            loss = loss + 0.0 * sum(p.sum() for p in self.augmentation.parameters())
        if draw is None:
            optim_wrapper.update_params(loss)
            return log_vars
        slim_gradients = self.slim.control_gradients(draw, clean, record)
        optim_wrapper.backward(loss)
        self.slim.add_control_gradients(slim_gradients, scale=_loss_scale(optim_wrapper))
        optim_wrapper.step()
        optim_wrapper.zero_grad()
        log_vars['slim_layer'] = torch.tensor(float(draw.layer_index))
        log_vars['slim_loss'] = torch.tensor(float(draw.loss_index))
        log_vars['slim_lambda'] = torch.tensor(draw.weight)
        log_vars['slim_skipped'] = torch.tensor(float(not record.upstream))
        log_vars['slim_skipped_total'] = torch.tensor(float(self.slim.skipped))
        return log_vars

    # The SLIM sampler's generator travels in the state dict (the style modules carry their own),
    # so that --resume continues the same draws.
    def get_extra_state(self) -> Tensor:
        return self.slim.sampler.generator.get_state() if self.slim is not None else torch.zeros(0, dtype=torch.uint8)

    def set_extra_state(self, state: Tensor) -> None:
        if self.slim is not None and state.numel():
            self.slim.sampler.generator.set_state(state.cpu())


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


def _loss_scale(optim_wrapper: OptimWrapper) -> float:
    """The loss scaler's factor (AMP), by which the backward pass scaled the task gradients."""
    scaler = getattr(optim_wrapper, 'loss_scaler', None)
    return float(scaler.get_scale()) if scaler is not None and scaler.is_enabled() else 1.0

"""``AdversarialWrapper``: what every training wrapper (``AdversarialTraining``, ``StyleAugmented``,
``SLIMAdvStyle``) does around the network it trains, in one place.

- builds the wrapped segmentor or classifier (:func:`.wrapped_model.build_wrapped_model`) and
  forwards prediction and testing to it; :attr:`AdversarialWrapper.network` (and, for any model a
  tool or hook is handed, :func:`network_of`) is that network;
- the train-step preamble: the accumulation guard and the data preprocessing;
- one :class:`~slim_mmseg.core.RandomStreams` (``random_streams.<name>`` in the state dict) whose
  streams are seeded from the run seed and the stream's name, so no two streams share a seed;
  ``decision`` streams (SLIM draws) are identical on every rank, ``noise`` streams (random starts)
  differ per rank;
- a running count of non-finite ascent steps that is a buffer (``nonfinite_count``), so it survives
  ``--resume``;
- the SLIM log entries (:func:`slim_log_vars`).

Why one-hot draws in the log: mmengine's ``LogProcessor`` prints every logged scalar averaged over
its window (``window_size``, 10 by default). A category index (layer 0, 1, 2...) averaged over a
window is no draw at all (``slim_loss: 0.7000``). An indicator per category (``slim_layer/<name>``
1.0 when drawn this step, else 0.0; ``slim_loss/<name>`` the fraction of the batch's samples that
drew that loss) averages into the real frequency of that category over the window, and with
``window_size=1`` it is this step's draw. ``slim_lambda`` is the mean weight over the batch, whose
window average is again a mean weight. MessageHub runtime info would avoid the averaging but is
not written to the scalar backends (JSON, TensorBoard), where the draws are wanted.
"""
import hashlib
from contextlib import nullcontext
from typing import Callable, ContextManager, Dict, Optional, Sequence, Tuple, Union

import torch
from mmengine.dist import broadcast_object_list, get_dist_info, is_distributed
from mmengine.logging import MessageHub
from mmengine.model import BaseModel, is_model_wrapper
from mmengine.optim import OptimWrapper
from torch import Tensor, nn

from slim_mmseg.core import RandomStreams, seeded_generator
from slim_mmseg.core.slim_term import check_scale
from .wrapped_model import build_wrapped_model

# mmseg's default_runtime.py: LoggerHook(interval=50); the SLIM ratio is measured that often.
DEFAULT_LOG_INTERVAL = 50


def derived_streams(seed: int, decisions: Sequence[str] = (), noise: Sequence[str] = ()) -> RandomStreams:
    """Streams seeded from (``seed``, stream name) by a stable hash; ``noise`` streams also mix in
    the distributed rank (N ranks draw N different noises), ``decisions`` streams do not (they
    decide which collectives run and must agree on every rank). The contract of the core's
    ``RandomStreams.derived``; this body becomes that one call once the core has it."""
    rank, _ = get_dist_info()
    generators = {name: seeded_generator(_stable_seed(seed, name)) for name in decisions}
    generators.update((name, seeded_generator(_stable_seed(seed, name, rank))) for name in noise)
    return RandomStreams(**generators)


def _stable_seed(seed: int, name: str, rank: Optional[int] = None) -> int:
    key = f'{int(seed)}/{name}' + ('' if rank is None else f'/rank{rank}')
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], 'little') & (2 ** 63 - 1)


def run_seed() -> int:
    """The run's seed (``torch.initial_seed()``, set by mmengine), rank 0's on every rank.

    Not mmengine's ``sync_random_seed()``: that broadcasts a fresh random number, so a run's streams
    would not follow from its configured seed; rank 0's initial seed is the configured one even with
    ``randomness.diff_rank_seed=True``."""
    seed = [torch.initial_seed()]
    if is_distributed():
        broadcast_object_list(seed)
    return int(seed[0])


def slim_settings(slim: Optional[dict], seed: Optional[int]) -> Tuple[Optional[dict], str, Optional[int]]:
    """A config's ``slim`` dict split into the :class:`~slim_mmseg.core.SLIMSampler` arguments
    (``layers``, ``losses``, ``lambda_range``, ``draw``), the term's ``scale`` (checked here, so a
    typo fails at build time with the valid names) and the run seed: the wrapper's ``seed`` or, when
    that is ``None``, ``slim['seed']`` (configs may keep the seed beside the SLIM settings)."""
    if slim is None:
        return None, 'mean', seed
    slim = dict(slim)
    scale = check_scale(slim.pop('scale', 'mean'))
    nested = slim.pop('seed', None)
    if seed is not None and nested is not None and int(nested) != int(seed):
        raise ValueError(f'seed is given twice ({seed} and {nested} inside the SLIM settings); keep one')
    return slim, scale, seed if seed is not None else nested


def network_of(model: nn.Module) -> nn.Module:
    """The trained network inside a DDP wrapper and/or an :class:`AdversarialWrapper`."""
    if is_model_wrapper(model):
        model = model.module
    return model.network if isinstance(model, AdversarialWrapper) else model


def slim_log_vars(draw, layers: Sequence[str], losses: Sequence[str]) -> Dict[str, Tensor]:
    """``slim_layer/<layer>`` (1.0 drawn, else 0.0), ``slim_loss/<loss>`` (share of the samples
    that drew it) and ``slim_lambda`` (mean weight) of one draw; see the module docstring."""
    log_vars = {f'slim_layer/{layer}': torch.tensor(float(index == draw.layer_index))
                for index, layer in enumerate(layers)}
    shares = torch.bincount(draw.loss_indices.cpu(), minlength=len(losses)).float() / draw.loss_indices.numel()
    log_vars.update((f'slim_loss/{loss}', shares[index]) for index, loss in enumerate(losses))
    log_vars['slim_lambda'] = draw.weights.float().mean().cpu()
    return log_vars


def slim_strength_log_vars(ratio: Optional[Tensor], zero_gradients: Optional[Tensor]) -> Dict[str, Tensor]:
    """``slim_ratio`` (median of the measured ratios: over the batch for pixel and style-statistics
    attacks, over the reached factor tensors for ASA; only when measured) and
    ``slim_zero_gradients`` (``'balanced'``: samples or tensors x steps left without a SLIM
    contribution because a gradient was zero)."""
    log_vars = {}
    if ratio is not None:
        finite = ratio.detach().float()[~torch.isnan(ratio.detach().float())]
        if finite.numel():
            log_vars['slim_ratio'] = finite.median().cpu()
    if zero_gradients is not None:
        log_vars['slim_zero_gradients'] = zero_gradients.detach().float().cpu()
    return log_vars


class AdversarialWrapper(BaseModel):
    """Base of the training wrappers.

    Args:
        model: config of the wrapped segmentor or classifier.
        seed: run seed the random streams derive from (default: the run's seed, rank 0's).
        log_interval: every this many iterations (``(iter + 1) % log_interval == 0``, ``iter``
            from mmengine's MessageHub) the step also measures SLIM's strength (the ratio of
            ``||lambda grad L_dict||`` to ``||grad L_task||``); mmseg's logging interval by default.
        data_preprocessor: a config's top-level ``data_preprocessor``; goes to the wrapped model
            when that has none of its own.
        init_cfg: mmengine initialisation config.
        pretrained, train_cfg, test_cfg: set to ``None`` by ``mmseg.apis.init_model``; any other
            value belongs in the wrapped model's config and is refused.
    """
    # Set by subclasses whose step has two backward passes (refuses gradient accumulation).
    accumulation_message = None

    def __init__(self, model: dict, seed: Optional[int] = None, log_interval: int = DEFAULT_LOG_INTERVAL,
                 data_preprocessor: Optional[dict] = None, init_cfg: Optional[dict] = None,
                 pretrained: None = None, train_cfg: None = None, test_cfg: None = None):
        super().__init__(init_cfg=init_cfg)
        self.model = build_wrapped_model(type(self).__name__, model, data_preprocessor, pretrained, train_cfg,
                                         test_cfg)
        self.data_preprocessor = self.model.data_preprocessor
        if log_interval < 1:
            raise ValueError(f'log_interval must be >= 1, got {log_interval}')
        self.log_interval = int(log_interval)
        self.seed = run_seed() if seed is None else int(seed)
        self.random_streams = RandomStreams()
        self.register_buffer('nonfinite_count', torch.zeros((), dtype=torch.int64))

    @property
    def network(self) -> nn.Module:
        """The trained network (what tools, hooks and evaluation use)."""
        return self.model

    @property
    def nonfinite_steps(self) -> int:
        """Ascents with a non-finite step over the run, resumed runs included."""
        return int(self.nonfinite_count)

    def count_nonfinite(self, steps: Union[int, Tensor]) -> Tensor:
        """Add ``steps`` to the running count (no host sync for a tensor); returns ``steps`` as a tensor."""
        steps = torch.as_tensor(steps).to(self.nonfinite_count.device)
        self.nonfinite_count += steps.to(torch.int64)
        return steps.float()

    def use_streams(self, decisions: Sequence[str] = (), noise: Sequence[str] = ()) -> None:
        """Set :attr:`random_streams` to these streams, derived from the wrapper's seed."""
        self.random_streams = derived_streams(self.seed, decisions, noise)

    def forward(self, inputs: Tensor, data_samples=None, mode: str = 'tensor'):
        return self.model(inputs, data_samples, mode=mode)

    def train_step(self, data: Union[dict, tuple, list], optim_wrapper: OptimWrapper) -> Dict[str, Tensor]:
        return self.adversarial_train_step(data, optim_wrapper, outer_forward=self, defer_sync=nullcontext)

    def adversarial_train_step(self, data, optim_wrapper: OptimWrapper, outer_forward: Callable,
                               defer_sync: Callable[[], ContextManager]) -> Dict[str, Tensor]:
        """One training step. ``outer_forward`` runs the passes that train the weights (the model,
        or its DDP wrapper, :class:`.slim_ddp.SLIMDistributedDataParallel`); ``defer_sync`` is
        DDP's ``no_sync`` for steps with more than one backward."""
        raise NotImplementedError

    def preprocess(self, data, optim_wrapper: OptimWrapper) -> Tuple[Tensor, list]:
        """The accumulation guard, then the data preprocessor: ``(inputs, data_samples)``."""
        if self.accumulation_message is not None and getattr(optim_wrapper, '_accumulative_counts', 1) != 1:
            raise ValueError(f'{type(self).__name__} {self.accumulation_message} and does not support '
                             'optim_wrapper.accumulative_counts > 1')
        with optim_wrapper.optim_context(self):
            data = self.data_preprocessor(data, True)
        return data['inputs'], data['data_samples']

    def measuring_step(self) -> bool:
        """Whether this iteration ends a logging interval (then SLIM's strength is measured)."""
        iteration = int(MessageHub.get_current_instance().get_info('iter', 0))
        return (iteration + 1) % self.log_interval == 0


def loss_scale(optim_wrapper: OptimWrapper) -> float:
    """The loss scaler's factor (AMP), by which the backward pass scales the gradients."""
    scaler = getattr(optim_wrapper, 'loss_scaler', None)
    return float(scaler.get_scale()) if scaler is not None and scaler.is_enabled() else 1.0

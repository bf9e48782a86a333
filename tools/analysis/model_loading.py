"""What every analysis CLI shares: config + checkpoint -> a model on [0, 1] images, labelled
batches from a config's dataloader, the command line of ``CONFIG CHECKPOINT [CONFIG CHECKPOINT ...]``
with ``--labels``, and the JSON / PNG / cost summary written to the work dir.

The torch-only analyses (``slim_mmseg.analysis``) take a model mapping images in [0, 1] to logits
(``(N, K)``, or ``(N, K, H, W)`` at the input resolution for a segmentor) and ``(images, labels)``
batches; this module is the only place where mmengine / mmseg build them.
"""
import argparse
import json
import os
import os.path as osp
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO_ROOT)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import Runner  # noqa: E402
from mmengine.runner.checkpoint import _load_checkpoint  # noqa: E402
from mmseg.models.segmentors import BaseSegmentor  # noqa: E402
from mmseg.registry import MODELS  # noqa: E402
from torch import Tensor, nn  # noqa: E402

import slim_mmseg.openmmlab  # noqa: E402,F401  (registers the project's models and datasets)
from slim_mmseg.models import StyleAugmented, network_of  # noqa: E402

Batch = Tuple[Tensor, Tensor]

class PixelSpaceModel(nn.Module):
    """An mmengine classifier or mmseg segmentor as a plain ``images in [0, 1] -> logits`` module.

    The data preprocessor's normalisation ``(255 x - mean) / std`` moves inside the forward, so
    that perturbation budgets are in pixel units. The wrapped model's children are registered under
    their own names, so layer names are the config's (``backbone.layer1``, not ``model.backbone...``).
    Segmentation logits are resized to the input (mmseg's ``resize``, the head's ``align_corners``).
    """

    def __init__(self, model: nn.Module, mean: Tensor, std: Tensor):
        super().__init__()
        for name, child in model.named_children():
            self.add_module(name, child)
        self.__dict__['wrapped'] = model  # not a child: its children are ours already
        self.register_buffer('mean', mean.detach().float().view(1, -1, 1, 1), persistent=False)
        self.register_buffer('std', std.detach().float().view(1, -1, 1, 1), persistent=False)
        self.is_segmentor = isinstance(model, BaseSegmentor)

    def train(self, mode: bool = True):
        self.wrapped.training = mode
        return super().train(mode)

    def forward(self, images: Tensor) -> Tensor:
        logits = self.wrapped((images * 255 - self.mean) / self.std, mode='tensor')
        if self.is_segmentor:
            align_corners = getattr(self.wrapped.decode_head, 'align_corners', False)
            logits = F.interpolate(logits, size=images.shape[-2:], mode='bilinear', align_corners=align_corners)
        return logits


@dataclass
class LoadedModel:
    label: str
    config: str
    checkpoint: str
    cfg: Config
    model: PixelSpaceModel
    # An ASA-trained model's learned control factors {position: (Sigma_mu, Sigma_sigma)}; None for a
    # model trained without ASA modules (see asa_settings).
    asa_control_factors: Optional[Dict[str, Tuple[Tensor, Tensor]]] = None

    @property
    def num_classes(self) -> int:
        wrapped = self.model.wrapped
        return wrapped.decode_head.num_classes if self.model.is_segmentor else wrapped.num_classes


def trained_network(cfg: Config) -> nn.Module:
    """The config's network, without a training-time wrapper."""
    return unwrapped(MODELS.build(cfg.model))


def unwrapped(model: nn.Module) -> nn.Module:
    """A wrapper's trained network, with the hooks of its style modules removed (they are identity
    in evaluation, but an analysis that switches the network to training mode must not run them)."""
    if isinstance(model, StyleAugmented) and model.augmentation is not None:
        model.augmentation.remove_hooks()
    return network_of(model)


def checkpoint_state(checkpoint: str) -> Dict[str, Tensor]:
    state = _load_checkpoint(checkpoint, map_location='cpu')
    return state.get('state_dict', state)


def checkpoint_weights(checkpoint: str) -> Dict[str, Tensor]:
    """A checkpoint's weights of the trained network: a wrapper's ``model.`` keys are unprefixed
    and its own state (the adversary's random generators, the style modules) dropped."""
    return network_weights(checkpoint_state(checkpoint))


def network_weights(state: Dict[str, Tensor]) -> Dict[str, Tensor]:
    if any(key.startswith('model.') for key in state):
        state = {key[len('model.'):]: value for key, value in state.items() if key.startswith('model.')}
    return state


def load_weights(model: nn.Module, state: Dict[str, Tensor], config: str, checkpoint: str) -> None:
    """Strict loading whose error names the mismatched keys (a checkpoint of another config)."""
    own = model.state_dict()
    missing = [key for key in own if key not in state]
    unexpected = [key for key in state if key not in own]
    reshaped = [f'{key} {tuple(state[key].shape)} vs {tuple(own[key].shape)}'
                for key in own if key in state and state[key].shape != own[key].shape]
    if missing or unexpected or reshaped:
        def listed(keys):
            return ', '.join(keys[:8]) + (f' ... ({len(keys) - 8} more)' if len(keys) > 8 else '') or 'none'
        raise ValueError(f'{checkpoint} does not match the model of {config} (a checkpoint of another config?): '
                         f'missing keys: {listed(missing)}; unexpected keys: {listed(unexpected)}; '
                         f'shape mismatches (checkpoint vs model): {listed(reshaped)}')
    model.load_state_dict(state)


def learned_asa_factors(wrapper: nn.Module, state: Dict[str, Tensor], config: str,
                        checkpoint: str) -> Optional[Dict[str, Tuple[Tensor, Tensor]]]:
    """``{position: (Sigma_mu, Sigma_sigma)}`` of a ``StyleAugmented`` model with ASA modules, from
    the checkpoint's ``augmentation.`` keys; ``None`` for any other model, for a checkpoint of the
    network alone (no ``augmentation.`` keys), and for ASA modules that never took the AdvStyle
    branch (their factors are still the 0.1 placeholder of ``asa.py``)."""
    augmentation = getattr(wrapper, 'augmentation', None)
    prefix = 'augmentation.'
    if augmentation is None or augmentation.type != 'ASA' or not any(key.startswith(prefix) for key in state):
        return None
    load_weights(augmentation, {key[len(prefix):]: value for key, value in state.items() if key.startswith(prefix)},
                 config, checkpoint)
    modules = augmentation.items()
    if not all(bool(module.initialized) for _, module in modules):
        return None
    return {position: (module.mean_factor.detach().clone(), module.std_factor.detach().clone())
            for position, module in modules}


# ASA's positions per backbone family (configs/_base_/methods/placement_*.py), for models trained
# without ASA modules.
PLACEMENT_FILES = {'WideResNet': 'placement_wrn.py', 'ResNet': 'placement_resnet_cls.py',
                   'ResNetV1c': 'placement_resnetv1c_seg.py'}


def asa_settings(loaded: 'LoadedModel', positions: Optional[Sequence[str]] = None) -> dict:
    """Where the ``'AdvStyle (ASA)'`` source acts on ``loaded`` and with which control factors:
    an ASA-trained model's own positions and learned factors (``positions`` is ignored for it);
    otherwise ``positions``, or ``positions['ASA']`` of the backbone family's placement file, with
    ``control_factors=None`` (ASA's initial estimate)."""
    if loaded.asa_control_factors is not None:
        return dict(positions=list(loaded.asa_control_factors), control_factors=loaded.asa_control_factors)
    if positions:
        return dict(positions=list(positions), control_factors=None)
    backbone = type(loaded.model.wrapped.backbone).__name__
    if backbone not in PLACEMENT_FILES:
        raise ValueError(f'{loaded.config}: no ASA placement is known for backbone {backbone} (known: '
                         f'{sorted(PLACEMENT_FILES)}); give --asa-positions MODULE [MODULE ...]')
    placement = Config.fromfile(osp.join(REPO_ROOT, 'configs', '_base_', 'methods', PLACEMENT_FILES[backbone]))
    return dict(positions=list(placement.positions['ASA']), control_factors=None)


def load_model(config: str, checkpoint: str, label: str) -> LoadedModel:
    init_default_scope('mmseg')
    cfg = Config.fromfile(config)
    built = MODELS.build(cfg.model)
    state = checkpoint_state(checkpoint)
    asa_control_factors = learned_asa_factors(built, state, config, checkpoint)
    network = unwrapped(built)
    load_weights(network, network_weights(state), config, checkpoint)
    preprocessor = network.data_preprocessor
    if getattr(preprocessor, '_enable_normalize', False):
        mean, std = preprocessor.mean, preprocessor.std
    else:
        mean, std = torch.zeros(3), torch.ones(3)
    model = PixelSpaceModel(network, mean, std).eval()
    return LoadedModel(label, config, checkpoint, cfg, model, asa_control_factors)


def require_classifier(loaded: LoadedModel, analysis: str) -> None:
    if loaded.model.is_segmentor:
        raise ValueError(f'{analysis} needs a classifier, but {loaded.config} builds a segmentor '
                         f'({type(loaded.model.wrapped).__name__}); per-pixel {analysis} is not implemented')


def labelled_batches(loaded: LoadedModel, split: str, max_images: int, batch_size: int, seed: int,
                     domain: Optional[str] = None) -> List[Batch]:
    """Up to ``max_images`` ``(images in [0, 1], labels)`` from the config's ``<split>_dataloader``
    (its test-time pipeline, unshuffled order), optionally of one ``domain`` only. Labels: ``(N,)``
    class indices, or ``(N, H, W)`` with 255 on ignored and padded pixels."""
    key = f'{split}_dataloader'
    if key not in loaded.cfg:
        raise ValueError(f'{loaded.config} has no {key}')
    loader_cfg = dict(loaded.cfg[key], batch_size=batch_size, num_workers=0, persistent_workers=False)
    loader_cfg['sampler'] = dict(type='DefaultSampler', shuffle=False)
    if split == 'train':  # the analyses read training samples as they are, not augmented
        loader_cfg['dataset'] = dict(loader_cfg['dataset'], pipeline=unaugmented_train_pipeline(loaded))
    loader = Runner.build_dataloader(loader_cfg, seed=seed)
    preprocessor = loaded.model.wrapped.data_preprocessor
    mean, std = loaded.model.mean, loaded.model.std
    batches, count = [], 0
    for batch in loader:
        data = preprocessor(batch, False)
        samples = data['data_samples']
        keep = [i for i, sample in enumerate(samples) if domain is None or sample.metainfo.get('domain') == domain]
        if not keep:
            continue
        images = ((data['inputs'][keep] * std + mean) / 255).clamp(0, 1)
        if loaded.model.is_segmentor:
            labels = torch.stack([samples[i].gt_sem_seg.data[0] for i in keep]).long()
        else:
            labels = torch.stack([samples[i].gt_label.reshape(()) for i in keep]).long()
        take = min(len(keep), max_images - count)
        batches.append((images[:take], labels[:take]))
        count += take
        if count >= max_images:
            break
    if not batches:
        raise ValueError(f'no images in {key} of {loaded.config}' + (f' with domain {domain!r}' if domain else ''))
    return batches


def unaugmented_train_pipeline(loaded: LoadedModel) -> list:
    """Training images without random augmentation: the train pipeline's loading steps (``Load*``:
    its dataset's own file and label formats, e.g. GTA5's label ids) followed by the test
    pipeline's other steps (resize, packing)."""
    test = loaded.cfg.get('test_pipeline') or loaded.cfg.test_dataloader.dataset.get('pipeline')
    train = loaded.cfg.train_dataloader.dataset.get('pipeline')
    if not test or not train:
        raise ValueError(f'{loaded.config}: reading training images needs a top-level test_pipeline (or '
                         f'test_dataloader.dataset.pipeline) and train_dataloader.dataset.pipeline; use --split val')
    return [step for step in train if _loads(step)] + [step for step in test if not _loads(step)]


def _loads(step: dict) -> bool:
    return str(step['type']).startswith('Load')


def default_layers(loaded: LoadedModel) -> List[str]:
    """The backbone's stages: its direct children that hold parameters (``backbone.conv1``,
    ``backbone.layer1``, ...), skipping final norm layers."""
    backbone = loaded.model.wrapped.backbone
    return [f'backbone.{name}' for name, child in backbone.named_children()
            if any(True for _ in child.parameters()) and not isinstance(child, nn.modules.batchnorm._BatchNorm)]


def common_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('models', nargs='+', metavar='CONFIG CHECKPOINT',
                        help='one or more config / checkpoint pairs')
    parser.add_argument('--labels', nargs='+', help='one name per model for the plot (default: config names)')
    parser.add_argument('--work-dir', help='where the JSON and PNG go (default: work_dirs/analysis/<tool>)')
    parser.add_argument('--max-images', type=int, default=256, help='images analysed per model')
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--domain', help='only images of this domain (metainfo "domain"), e.g. source')
    return parser


def model_pairs(args: argparse.Namespace) -> List[Tuple[str, str, str]]:
    """``(config, checkpoint, label)`` per model; malformed lists raise with the fix."""
    if len(args.models) % 2:
        raise SystemExit(f'expected CONFIG CHECKPOINT pairs, got {len(args.models)} paths: {args.models}')
    configs, checkpoints = args.models[0::2], args.models[1::2]
    for config in configs:
        if not config.endswith('.py'):
            raise SystemExit(f'{config} is not a config (.py): give CONFIG CHECKPOINT pairs')
    labels = args.labels or [osp.splitext(osp.basename(c))[0] for c in configs]
    if len(labels) != len(configs):
        raise SystemExit(f'{len(labels)} labels for {len(configs)} models: give one label per model')
    return list(zip(configs, checkpoints, labels))


def work_dir(args: argparse.Namespace, tool: str) -> str:
    directory = args.work_dir or osp.join('work_dirs', 'analysis', tool)
    os.makedirs(directory, exist_ok=True)
    return directory


@dataclass
class CostClock:
    """CPU seconds (``time.process_time``, all threads) per model and in total."""
    seconds: Dict[str, float] = field(default_factory=dict)

    @contextmanager
    def measure(self, label: str) -> Iterator[None]:
        start = time.process_time()
        try:
            yield
        finally:
            self.seconds[label] = self.seconds.get(label, 0.0) + time.process_time() - start

    def summary(self) -> str:
        parts = ', '.join(f'{label} {value:.1f} s' for label, value in self.seconds.items())
        return f'CPU seconds: {parts}; total {sum(self.seconds.values()):.1f} s'


def write_outputs(directory: str, tool: str, payload: dict, figure) -> Tuple[str, str]:
    """``<tool>.json`` and ``<tool>.png`` in ``directory``; returns their paths."""
    json_path, png_path = osp.join(directory, f'{tool}.json'), osp.join(directory, f'{tool}.png')
    with open(json_path, 'w') as out:
        json.dump(payload, out, indent=2)
    figure.savefig(png_path, dpi=100, bbox_inches='tight')
    return json_path, png_path


def pyplot():
    """matplotlib's pyplot on the Agg backend (no display needed)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def short_layer(name: str) -> str:
    return name[len('backbone.'):] if name.startswith('backbone.') else name


def provenance(models: Sequence[LoadedModel]) -> List[dict]:
    return [dict(label=m.label, config=m.config, checkpoint=m.checkpoint) for m in models]

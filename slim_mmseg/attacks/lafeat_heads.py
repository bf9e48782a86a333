"""LAFEAT's auxiliary heads: linear classifiers on intermediate features of a frozen model.

Yu et al., "LAFEAT: Piercing Through Adversarial Defenses with Latent Features" (CVPR 2021),
github lafeat/lafeat (read at commit 13017ae). A head reads one layer's (N, C, H, W) output:
``conv 2x2 stride 2 (C -> 64), ReLU, conv 2x2 stride 2 (64 -> 64), ReLU, flatten, Linear(-> 256),
ReLU, Linear(256 -> K)`` (``frozen.py``: ``conv*_8_4``, ``conv*_4_2``, ``fcf256_*_1``, ``fcf256_*``;
there the maps are 8x8, so the flattened size is 64 * 2 * 2 = 256; here it follows the layer's
size). It is trained to predict what the *frozen model* predicts (``train.py``: ``model_label =
all_outputs[-1].argmax(dim=-1)``), with the sum of the heads' cross-entropies, Adam (lr 1e-3,
weight decay 0), a per-epoch cosine schedule down to 1e-5, batch 128 and 50 epochs (``train.py``
defaults; its README trains 100).

Ours differs in one deliberate way: no data augmentation (the reference uses crop and flip).
Without it the frozen model's feature maps are fixed, so they are computed once and the heads
train on them without re-running the network every epoch.

Placement: ``layers`` names the modules whose outputs the heads read. The reference puts four
heads on the last residual units of WRN-34-10's third block; for our ResNet-18
(``CIFARResNet``) we use ``backbone.layer3.1`` and ``backbone.layer4.0`` (the units before the
last one) and attack through the ``backbone.layer4.0`` head (:data:`RESNET18_LAYERS`).

Cache: :func:`load_or_train_heads` keys a file by the checkpoint's SHA-256 and the layers, so a
new checkpoint or placement retrains and a rerun reuses.
"""
import hashlib
from contextlib import ExitStack
from pathlib import Path
from typing import List, Optional, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..core import capture_output, evaluation_mode, resolve_module

RESNET18_LAYERS = ('backbone.layer3.1', 'backbone.layer4.0')


def lafeat_head(channels: int, height: int, width: int, num_classes: int) -> nn.Sequential:
    """The head of ``frozen.py`` for a (channels, height, width) feature map (both sides >= 4)."""
    if min(height, width) < 4:
        raise ValueError(f'a LAFEAT head halves its input twice: the layer\'s feature map must be at least '
                         f'4x4, got {height}x{width}; choose an earlier layer')
    flat = 64 * (height // 4) * (width // 4)      # two unpadded 2x2 stride-2 convolutions
    return nn.Sequential(nn.Conv2d(channels, 64, 2, stride=2, bias=False), nn.ReLU(),
                         nn.Conv2d(64, 64, 2, stride=2, bias=False), nn.ReLU(), nn.Flatten(),
                         nn.Linear(flat, 256), nn.ReLU(), nn.Linear(256, num_classes))


class LAFEATHeads(nn.Module):
    """One head per layer in ``layers``; ``shapes[i]`` is that layer's (C, H, W) output."""

    def __init__(self, layers: Sequence[str], shapes: Sequence[Sequence[int]], num_classes: int):
        super().__init__()
        if len(layers) != len(shapes) or not layers:
            raise ValueError(f'LAFEATHeads needs one feature shape per layer, got {layers} and {shapes}')
        self.layers = list(layers)
        self.shapes = [tuple(int(v) for v in shape) for shape in shapes]
        self.heads = nn.ModuleList(lafeat_head(*shape, num_classes) for shape in self.shapes)

    def head(self, layer: str) -> nn.Module:
        if layer not in self.layers:
            raise ValueError(f'no LAFEAT head on {layer!r}; heads exist on {self.layers}')
        return self.heads[self.layers.index(layer)]

    @classmethod
    def for_model(cls, model: nn.Module, layers: Sequence[str], images: Tensor) -> 'LAFEATHeads':
        """Heads sized by one forward pass of ``images[:1]`` (unknown layer names list the valid ones)."""
        features = frozen_features(model, layers, images[:1])
        with torch.no_grad(), evaluation_mode(model):
            num_classes = model(images[:1]).shape[1]
        if any(f.dim() != 4 for f in features):
            raise ValueError(f'LAFEAT heads read (N, C, H, W) feature maps; layers {list(layers)} give shapes '
                             f'{[tuple(f.shape) for f in features]}')
        return cls(layers, [f.shape[1:] for f in features], num_classes)


def load_heads(cache_file: str) -> LAFEATHeads:
    """Heads saved by :func:`load_or_train_heads` (layers and feature shapes stored with them), e.g. for a config's
    robust test loop; the file's key says which checkpoint they were trained for. They are loaded on
    the CPU whatever device saved them; :class:`~.lafeat.LAFEAT` runs them on its features' device."""
    stored = torch.load(cache_file, map_location='cpu', weights_only=True)
    heads = LAFEATHeads(stored['key']['layers'], stored['shapes'], num_classes=stored['num_classes'])
    heads.load_state_dict(stored['state_dict'])
    return heads


def frozen_features(model: nn.Module, layers: Sequence[str], images: Tensor) -> List[Tensor]:
    """The outputs of ``layers`` for ``images`` (evaluation mode, no grad)."""
    modules = [resolve_module(model, layer, role='LAFEAT layer') for layer in layers]
    with torch.no_grad(), evaluation_mode(model), ExitStack() as stack:
        captured = [stack.enter_context(capture_output(module, detach=True)) for module in modules]
        model(images)
    return [c.feature for c in captured]


def train_lafeat_heads(model: nn.Module, heads: LAFEATHeads, images: Tensor, epochs: int = 50,
                       batch_size: int = 128, lr: float = 1e-3, min_lr: float = 1e-5, seed: int = 0,
                       progress: bool = False) -> List[float]:
    """Fits every head to the model's own predictions on ``images`` (N, C, H, W); returns the
    summed cross-entropy of each epoch. Defaults: lafeat's ``train.py`` (50 epochs, batch 128)."""
    features = frozen_features(model, heads.layers, images)
    with torch.no_grad(), evaluation_mode(model):
        targets = model(images).argmax(dim=1)
    heads.to(features[0].device)
    optimizer = torch.optim.Adam(heads.parameters(), lr=lr, weight_decay=0)
    generator = torch.Generator().manual_seed(seed)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs, eta_min=min_lr)
    epoch_losses = []
    iterator = range(epochs)
    if progress:
        from tqdm import tqdm
        iterator = tqdm(iterator, desc='LAFEAT heads', unit='epoch')
    for _ in iterator:
        total = 0.0
        for index in torch.randperm(len(images), generator=generator).split(batch_size):
            loss = sum(F.cross_entropy(head(f[index]), targets[index]) for head, f in zip(heads.heads, features))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(index)
        schedule.step()
        epoch_losses.append(total / len(images))
    return epoch_losses


def head_agreement(model: nn.Module, heads: LAFEATHeads, images: Tensor) -> List[float]:
    """Per head: the fraction of ``images`` on which it predicts what the model predicts."""
    features = frozen_features(model, heads.layers, images)
    heads.to(features[0].device)
    with torch.no_grad(), evaluation_mode(model):
        predictions = model(images).argmax(dim=1)
        return [float((head(f).argmax(dim=1) == predictions).float().mean()) for head, f in zip(heads.heads, features)]


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as file:
        for block in iter(lambda: file.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def load_or_train_heads(model: nn.Module, layers: Sequence[str], images: Tensor, cache_file: str,
                        checkpoint_sha256: str, epochs: int = 50, seed: int = 0,
                        progress: bool = False) -> LAFEATHeads:
    """Heads for this checkpoint and placement from ``cache_file`` if it holds them, else trained on
    ``images`` (the model's training images) and saved there."""
    heads = LAFEATHeads.for_model(model, layers, images)
    key = dict(checkpoint_sha256=checkpoint_sha256, layers=list(layers))
    cache = Path(cache_file)
    if cache.exists():
        stored = torch.load(cache, map_location='cpu', weights_only=True)
        if stored.get('key') == key:
            heads.load_state_dict(stored['state_dict'])
            return heads
    train_lafeat_heads(model, heads, images, epochs=epochs, seed=seed, progress=progress)
    cache.parent.mkdir(parents=True, exist_ok=True)
    torch.save(dict(key=key, shapes=[list(shape) for shape in heads.shapes], num_classes=heads.heads[0][-1].out_features,
                    state_dict=heads.state_dict()), cache)
    return heads


def default_lafeat_layers(model: nn.Module) -> Optional[Sequence[str]]:
    """:data:`RESNET18_LAYERS` when the model has them, else ``None`` (the caller must choose)."""
    names = {name for name, _ in model.named_modules()}
    return RESNET18_LAYERS if all(layer in names for layer in RESNET18_LAYERS) else None

"""LAFEAT's auxiliary heads: linear classifiers on intermediate features of a frozen model.

Yu et al., "LAFEAT: Piercing Through Adversarial Defenses with Latent Features" (CVPR 2021),
github lafeat/lafeat. A head reads one layer's output, average-pools it over space and maps it
through two linear layers, ``Linear(C, C)`` then ``Linear(C, K)`` (``frozen.py``: ``fcf256_*_1``
then ``fcf256_*``, with an 8x8 average pool). It is trained to predict what the *frozen model*
predicts (``train.py``: targets ``all_outputs[-1].argmax``), with Adam (lr 1e-3, weight decay 0)
and a cosine schedule down to 1e-5, batch 128 (``train.py`` defaults).

Ours differs in one deliberate way: no data augmentation (the reference uses crop, flip and
AutoAugment). Without augmentation the frozen model's pooled features are fixed, so they are
computed once and the heads train on them in milliseconds per epoch instead of re-running the
network every epoch.

Placement: ``layers`` names the modules whose outputs the heads read. The reference puts four
heads on the last residual units of WRN-34-10's third block; for our ResNet-18
(``CIFARResNet``) we use ``backbone.layer3.1`` and ``backbone.layer4.0`` (the units before the
last one) and attack through the ``backbone.layer4.0`` head (:data:`RESNET18_LAYERS`).

Cache: :func:`load_or_train_heads` keys a file by the checkpoint's SHA-256 and the layers, so a
new checkpoint or placement retrains and a rerun reuses.
"""
import hashlib
import math
from contextlib import ExitStack
from pathlib import Path
from typing import List, Optional, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..core import capture_output, evaluation_mode, resolve_module

RESNET18_LAYERS = ('backbone.layer3.1', 'backbone.layer4.0')


def pooled(feature: Tensor) -> Tensor:
    """(N, C, ...) -> (N, C): the spatial mean (LAFEAT's average pool)."""
    return feature.flatten(2).mean(dim=2) if feature.dim() > 2 else feature


class LAFEATHeads(nn.Module):
    """One head per layer in ``layers``; ``channels[i]`` is that layer's output channels."""

    def __init__(self, layers: Sequence[str], channels: Sequence[int], num_classes: int):
        super().__init__()
        if len(layers) != len(channels) or not layers:
            raise ValueError(f'LAFEATHeads needs one channel count per layer, got {layers} and {channels}')
        self.layers = list(layers)
        self.heads = nn.ModuleList(nn.Sequential(nn.Linear(c, c), nn.Linear(c, num_classes)) for c in channels)

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
        return cls(layers, [f.shape[1] for f in features], num_classes)


def load_heads(cache_file: str) -> LAFEATHeads:
    """Heads saved by :func:`load_or_train_heads` (sizes read from the weights), e.g. for a config's
    robust test loop; the file's key says which checkpoint they were trained for."""
    stored = torch.load(cache_file, map_location='cpu', weights_only=True)
    state, layers = stored['state_dict'], stored['key']['layers']
    channels = [state[f'heads.{i}.0.weight'].shape[1] for i in range(len(layers))]
    heads = LAFEATHeads(layers, channels, num_classes=state['heads.0.1.weight'].shape[0])
    heads.load_state_dict(state)
    return heads


def frozen_features(model: nn.Module, layers: Sequence[str], images: Tensor) -> List[Tensor]:
    """The pooled outputs of ``layers`` for ``images`` (evaluation mode, no grad)."""
    modules = [resolve_module(model, layer, role='LAFEAT layer') for layer in layers]
    with torch.no_grad(), evaluation_mode(model), ExitStack() as stack:
        captured = [stack.enter_context(capture_output(module, detach=True)) for module in modules]
        model(images)
    return [pooled(c.feature) for c in captured]


def train_lafeat_heads(model: nn.Module, heads: LAFEATHeads, images: Tensor, epochs: int = 50,
                       batch_size: int = 128, lr: float = 1e-3, min_lr: float = 1e-5, seed: int = 0,
                       progress: bool = False) -> List[float]:
    """Fits every head to the model's own predictions on ``images`` (N, C, H, W); returns the
    summed cross-entropy of each epoch. Defaults: lafeat's ``train.py`` (50 epochs, batch 128)."""
    features = frozen_features(model, heads.layers, images)
    with torch.no_grad(), evaluation_mode(model):
        targets = model(images).argmax(dim=1)
    optimizer = torch.optim.Adam(heads.parameters(), lr=lr, weight_decay=0)
    generator = torch.Generator().manual_seed(seed)
    steps_per_epoch = math.ceil(len(images) / batch_size)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs * steps_per_epoch, eta_min=min_lr)
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
            schedule.step()
            total += float(loss.detach()) * len(index)
        epoch_losses.append(total / len(images))
    return epoch_losses


def head_agreement(model: nn.Module, heads: LAFEATHeads, images: Tensor) -> List[float]:
    """Per head: the fraction of ``images`` on which it predicts what the model predicts."""
    features = frozen_features(model, heads.layers, images)
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
    torch.save(dict(key=key, state_dict=heads.state_dict()), cache)
    return heads


def default_lafeat_layers(model: nn.Module) -> Optional[Sequence[str]]:
    """:data:`RESNET18_LAYERS` when the model has them, else ``None`` (the caller must choose)."""
    names = {name for name, _ in model.named_modules()}
    return RESNET18_LAYERS if all(layer in names for layer in RESNET18_LAYERS) else None

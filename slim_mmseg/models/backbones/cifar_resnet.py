"""ResNet-18 for 32x32 inputs, post-activation, as in YisenWang/MART ``resnet.py`` (the
kuangliu/pytorch-cifar network that SLIM's Table 4 and MART train).

Differences from ImageNet's ResNet (mmseg's ``ResNet``): a 3x3 stride-1 stem without max-pool, so
the stages run at 32, 16, 8 and 4 pixels. Block: ``ReLU(BN(conv3x3(ReLU(BN(conv3x3(x))))) +
shortcut(x))`` with a 1x1 conv + BN shortcut when the shape changes. Initialisation: PyTorch's
defaults (the reference sets none).
"""
from typing import Sequence, Tuple, Type

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS


class PostActivationBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


def add_cifar_stages(backbone: nn.Module, block: Type[nn.Module], blocks: Sequence[int], base_width: int) -> int:
    """Adds ``layer1`` .. ``layer4`` to ``backbone``: ``blocks[s]`` blocks of width ``base_width * 2 ** s``,
    the first of each stage with stride 1, 2, 2, 2 (the stem is ``base_width`` wide). Returns the
    last stage's channels."""
    if len(blocks) != 4 or min(blocks) < 1:
        raise ValueError(f'{type(backbone).__name__} needs four stages of >= 1 block each, got blocks={blocks}')
    channels = base_width
    for stage, (count, stride) in enumerate(zip(blocks, (1, 2, 2, 2))):
        width = base_width * 2 ** stage
        layers = [block(channels if i == 0 else width, width, stride if i == 0 else 1) for i in range(count)]
        backbone.add_module(f'layer{stage + 1}', nn.Sequential(*layers))
        channels = width
    return channels


@MODELS.register_module()
class CIFARResNet(BaseModule):
    """Post-activation ResNet with a CIFAR stem; ``blocks=(2, 2, 2, 2)`` is ResNet-18.

    Args:
        blocks: basic blocks per stage.
        in_channels: image channels (3 for CIFAR-10, 1 for Fashion-MNIST).
        base_width: channels of the stem and first stage (64 in the reference; stages double it).
        init_cfg: mmengine init config (default ``None``: PyTorch's initialisation, as the reference).

    Stages are ``layer1`` .. ``layer4`` (the SLIM candidate layers ``backbone.layer1`` ...).
    Returns a one-element tuple: ``layer4``'s output, ``(N, 8 * base_width, H / 8, W / 8)``.
    """

    def __init__(self, blocks: Sequence[int] = (2, 2, 2, 2), in_channels: int = 3, base_width: int = 64,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.conv1 = nn.Conv2d(in_channels, base_width, 3, 1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(base_width)
        self.out_channels = add_cifar_stages(self, PostActivationBlock, blocks, base_width)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return (x, )

"""Pre-activation ResNet-18 for 32x32 inputs, as in csdongxian/AWP ``AT_AWP/preactresnet.py``
(He et al., "Identity Mappings in Deep Residual Networks", 2016).

Block: ``conv3x3(ReLU(BN(conv3x3(ReLU(BN(x)))))) + shortcut``; the shortcut is the identity, or a
1x1 convolution (no BN) applied to the pre-activated input ``ReLU(BN(x))`` when the shape changes;
no ReLU after the addition. The stem is a bare 3x3 stride-1 convolution; the final ``ReLU(BN(.))``
comes after ``layer4``, before pooling. Initialisation: PyTorch's defaults (the reference sets none).
"""
from typing import Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS

from .cifar_resnet import add_cifar_stages


class PreActivationBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, padding=1, bias=False)
        self.shortcut = None
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Conv2d(in_channels, out_channels, 1, stride, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        activated = F.relu(self.bn1(x))
        identity = x if self.shortcut is None else self.shortcut(activated)
        out = self.conv2(F.relu(self.bn2(self.conv1(activated))))
        return out + identity


@MODELS.register_module()
class PreActResNet(BaseModule):
    """Pre-activation ResNet with a CIFAR stem; ``blocks=(2, 2, 2, 2)`` is PreActResNet-18.

    Args:
        blocks: blocks per stage.
        in_channels: image channels.
        base_width: channels of the stem and first stage (64 in the reference).
        init_cfg: mmengine init config (default ``None``: PyTorch's initialisation).

    Stages are ``layer1`` .. ``layer4`` (pre-activation outputs: the final BN-ReLU follows
    ``layer4``). Returns a one-element tuple: ``ReLU(BN(layer4))``, ``(N, 8 * base_width, H/8, W/8)``.
    """

    def __init__(self, blocks: Sequence[int] = (2, 2, 2, 2), in_channels: int = 3, base_width: int = 64,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.conv1 = nn.Conv2d(in_channels, base_width, 3, 1, padding=1, bias=False)
        self.out_channels = add_cifar_stages(self, PreActivationBlock, blocks, base_width)
        self.bn = nn.BatchNorm2d(self.out_channels)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        x = self.layer4(self.layer3(self.layer2(self.layer1(self.conv1(x)))))
        return (F.relu(self.bn(x)), )

"""Wide residual network (Zagoruyko & Komodakis, 2016) for 32x32 inputs.

The CIFAR-10-C protocol of AugMix (Hendrycks et al., 2020) trains WRN-40-2 with pre-activation
basic blocks; neither mmseg, mmcv nor mmengine ships this network. Stages are named ``layer1`` ..
``layer3`` (after ``conv1``, the stem) so that feature-level style perturbation and SLIM layers
address them as ``backbone.layer1`` and so on.
"""
from typing import Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS


class WideBasicBlock(nn.Module):
    """Pre-activation block: BN-ReLU-conv3x3-BN-ReLU-(dropout)-conv3x3 plus a shortcut.

    When the shape changes, the shortcut is a 1x1 convolution applied to the pre-activated input,
    as in the reference implementation.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int, drop_rate: float):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.relu1 = nn.ReLU()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu2 = nn.ReLU()
        self.dropout = nn.Dropout(drop_rate)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, padding=1, bias=False)
        self.shortcut = None
        if in_channels != out_channels or stride != 1:
            self.shortcut = nn.Conv2d(in_channels, out_channels, 1, stride, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        activated = self.relu1(self.bn1(x))
        out = self.conv1(activated)
        out = self.dropout(self.relu2(self.bn2(out)))
        out = self.conv2(out)
        identity = x if self.shortcut is None else self.shortcut(activated)
        return out + identity


@MODELS.register_module()
class WideResNet(BaseModule):
    """WRN-``depth``-``widen_factor``: a 3x3 stem and three stages of basic blocks.

    Args:
        depth: total depth; must satisfy ``(depth - 4) % 6 == 0`` (e.g. 16, 28, 40).
        widen_factor: channel multiplier of the stages (16k, 32k, 64k channels).
        in_channels: input image channels.
        drop_rate: dropout between the two convolutions of each block (AugMix uses 0).
        init_cfg: mmengine init config; the default is the reference initialisation
            (Kaiming-normal fan-out convolutions, unit BN weights, zero BN biases).

    Returns a one-element tuple with the final activated feature map (64k channels, 1/4 of the
    input resolution), following the mmseg backbone convention of tuples of features.
    """

    def __init__(self,
                 depth: int = 40,
                 widen_factor: int = 2,
                 in_channels: int = 3,
                 drop_rate: float = 0.0,
                 init_cfg=(dict(type='Kaiming', layer='Conv2d', mode='fan_out',
                                nonlinearity='relu', distribution='normal'),
                           dict(type='Constant', val=1, bias=0, layer='BatchNorm2d'))):
        super().__init__(init_cfg=list(init_cfg) if init_cfg is not None else None)
        if (depth - 4) % 6 != 0 or depth < 10:
            raise ValueError(f'WideResNet depth must be 6n + 4 with n >= 1 (e.g. 16, 28, 40), '
                             f'got {depth}')
        blocks_per_stage = (depth - 4) // 6
        widths = [16, 16 * widen_factor, 32 * widen_factor, 64 * widen_factor]
        self.conv1 = nn.Conv2d(in_channels, widths[0], 3, 1, padding=1, bias=False)
        for stage, stride in enumerate((1, 2, 2)):
            blocks = [WideBasicBlock(widths[stage] if i == 0 else widths[stage + 1],
                                     widths[stage + 1], stride if i == 0 else 1, drop_rate)
                      for i in range(blocks_per_stage)]
            self.add_module(f'layer{stage + 1}', nn.Sequential(*blocks))
        self.bn_final = nn.BatchNorm2d(widths[3])
        self.relu_final = nn.ReLU()
        self.out_channels = widths[3]

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        x = self.conv1(x)
        x = self.layer3(self.layer2(self.layer1(x)))
        return (self.relu_final(self.bn_final(x)), )

"""A small plain convolutional network for fast CPU demos (Fashion-MNIST adversarial training).

Each stage is ``conv3x3 (stride s) - BN - ReLU``; stages are named ``layer1``, ``layer2``, ... so
that SLIM draws its layer among ``backbone.layer1`` ... as on the ResNets. With the defaults
(16, 32, 64 channels, each stage halving the resolution) a 28x28 image costs about 0.55 M
multiply-adds, about six times fewer than the smallest four-stage ``CIFARResNet`` (width 8), which
keeps a PGD-10 adversarial-training run on Fashion-MNIST within minutes on one CPU core.
"""
from typing import Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmseg.registry import MODELS


@MODELS.register_module()
class SmallConvNet(BaseModule):
    """Args:
        channels: output channels of each stage.
        strides: stride of each stage's convolution (same length as ``channels``).
        in_channels: image channels.
        init_cfg: mmengine init config (default ``None``: PyTorch's initialisation).

    Returns a one-element tuple: the last stage's output.
    """

    def __init__(self, channels: Sequence[int] = (16, 32, 64), strides: Sequence[int] = (2, 2, 2),
                 in_channels: int = 1, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if not channels or len(channels) != len(strides):
            raise ValueError(f'SmallConvNet needs one stride per stage, got channels={channels}, '
                             f'strides={strides}')
        previous = in_channels
        for index, (width, stride) in enumerate(zip(channels, strides)):
            self.add_module(f'layer{index + 1}', nn.Sequential(
                nn.Conv2d(previous, width, 3, stride, padding=1, bias=False), nn.BatchNorm2d(width),
                nn.ReLU(inplace=True)))
            previous = width
        self.num_stages = len(channels)
        self.out_channels = previous

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        for index in range(self.num_stages):
            x = getattr(self, f'layer{index + 1}')(x)
        return (x, )

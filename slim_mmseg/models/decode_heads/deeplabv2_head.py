"""DeepLab v2's ASPP classifier as an mmseg decode head.

DeepLab v2 (Chen et al., TPAMI 2017) classifies every pixel with parallel 3x3 convolutions at
several dilation rates, each producing class logits directly, and sums them. This is the
``Classifier_Module`` of the original Caffe model, of AdaptSegNet and of the synthetic-to-real
domain-generalisation code bases built on it. Unlike DeepLab v3's ASPP there is no
normalisation, no image pooling branch, no bottleneck and no 1x1 classifier, so
``BaseDecodeHead.conv_seg`` is removed: it would be a parameter that never gets a gradient.
"""
import torch.nn as nn

from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS


@MODELS.register_module()
class DeepLabV2Head(BaseDecodeHead):
    """Sum of dilated 3x3 class-logit convolutions (DeepLab v2 ASPP-L).

    Args:
        in_channels (int): Channels of the selected backbone feature (2048 for ResNet layer4).
        num_classes (int): Number of classes.
        dilations (Sequence[int]): One branch per rate; (6, 12, 18, 24) is DeepLab v2's ASPP-L.
        dropout_ratio (float): Dropout on the input feature. The original classifier has none.
        init_cfg: Weights drawn from N(0, 0.01) and zero biases, as the original classifier.
        **kwargs: Remaining :class:`BaseDecodeHead` arguments (``in_index``, ``loss_decode``,
            ``align_corners``, ...). ``channels`` is not taken: this head has no hidden layer.
    """

    def __init__(self,
                 in_channels,
                 num_classes,
                 dilations=(6, 12, 18, 24),
                 dropout_ratio=0.0,
                 init_cfg=dict(type='Normal', std=0.01, bias=0, layer='Conv2d'),
                 **kwargs):
        if 'channels' in kwargs:
            raise TypeError(
                'DeepLabV2Head has no hidden layer, so it takes no `channels` argument: '
                'remove `channels` from the decode_head config.')
        if not dilations:
            raise ValueError('DeepLabV2Head needs at least one dilation rate, got none.')
        super().__init__(
            in_channels,
            channels=in_channels,
            num_classes=num_classes,
            dropout_ratio=dropout_ratio,
            init_cfg=init_cfg,
            **kwargs)
        delattr(self, 'conv_seg')
        self.dilations = tuple(dilations)
        self.aspp_branches = nn.ModuleList(
            nn.Conv2d(
                self.in_channels,
                self.out_channels,
                kernel_size=3,
                padding=dilation,
                dilation=dilation,
                bias=True) for dilation in self.dilations)

    def forward(self, inputs):
        """Returns class logits at the resolution of the selected feature map."""
        feature = self._transform_inputs(inputs)
        if self.dropout is not None:
            feature = self.dropout(feature)
        logits = self.aspp_branches[0](feature)
        for branch in self.aspp_branches[1:]:
            logits = logits + branch(feature)
        return logits

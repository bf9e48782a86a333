# DeepLab v2 (ASPP-L classifier, dilations 6/12/18/24, logits summed) on ResNet-101 at output
# stride 8: the segmentation model of the synthetic-to-real DG literature (AdaptSegNet-style
# DeepLab v2 R101) that the SLIM paper reports with.
#
# Backbone choice: mmseg's ResNetV1c-101 (deep stem: three 3x3 convolutions) with mmseg's
# ImageNet weights `open-mmlab://resnet101_v1c`. RobustNet's ResNet-101 (the code base that the
# GTA5 -> Cityscapes/BDD100K/Mapillary DG protocol comes from) has the same deep stem with ImageNet
# weights from MIT CSAIL; the original DeepLab v2 uses a 7x7-stem ResNet-101. To use a 7x7-stem
# ResNet-101 instead: --cfg-options model.backbone.type=ResNet
# model.backbone.init_cfg.checkpoint=torchvision://resnet101 (needs torchvision for that URL).
# Offline, place the weights file and point at it with
# --cfg-options model.backbone.init_cfg.checkpoint=/path/to/resnet101_v1c.pth
# (`model.model.backbone...` inside the SLIMAdvStyle wrapper); PretrainedWeightsHook names both.
norm_cfg = dict(type='SyncBN', requires_grad=True)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='ResNetV1c',
        depth=101,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        dilations=(1, 1, 2, 4),
        strides=(1, 2, 1, 1),
        norm_cfg=norm_cfg,
        norm_eval=False,
        style='pytorch',
        contract_dilation=True,
        init_cfg=dict(type='Pretrained', checkpoint='open-mmlab://resnet101_v1c')),
    decode_head=dict(
        type='DeepLabV2Head',
        in_channels=2048,
        in_index=3,
        dilations=(6, 12, 18, 24),
        num_classes=19,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
custom_hooks = [dict(type='PretrainedWeightsHook')]

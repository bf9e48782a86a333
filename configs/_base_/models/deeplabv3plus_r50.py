# DeepLab v3+ on ResNet-50 at output stride 16: the model of RobustNet's GTA5 -> Cityscapes /
# BDD100K / Mapillary protocol (DeepR50V3PlusD, output stride 16) and of AdvStyle's main tables.
# mmseg's DepthwiseSeparableASPPHead with ASPP rates (1, 6, 12, 18) at stride 16 (mmseg's own
# r50-d8 config uses stride 8 with rates 12/24/36; the rates halve with the output stride as in
# the DeepLab v3+ paper). mmseg's ResNetV1c-50 with ImageNet weights `open-mmlab://resnet50_v1c`.
# The auxiliary FCN head on layer3 (loss weight 0.4) is mmseg's, and matches RobustNet's deep
# supervision head on layer3.
# Offline: --cfg-options model.backbone.init_cfg.checkpoint=/path/to/resnet50_v1c.pth
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
        depth=50,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        dilations=(1, 1, 1, 2),
        strides=(1, 2, 2, 1),
        norm_cfg=norm_cfg,
        norm_eval=False,
        style='pytorch',
        contract_dilation=True,
        init_cfg=dict(type='Pretrained', checkpoint='open-mmlab://resnet50_v1c')),
    decode_head=dict(
        type='DepthwiseSeparableASPPHead',
        in_channels=2048,
        in_index=3,
        channels=512,
        dilations=(1, 6, 12, 18),
        c1_in_channels=256,
        c1_channels=48,
        dropout_ratio=0.1,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=dict(
        type='FCNHead',
        in_channels=1024,
        in_index=2,
        channels=256,
        num_convs=1,
        concat_input=False,
        dropout_ratio=0.1,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=0.4)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
custom_hooks = [dict(type='PretrainedWeightsHook')]

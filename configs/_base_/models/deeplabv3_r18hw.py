# DeepLabV3 (mmseg ASPPHead) on a half-width ResNet-18 (ResNetV1c: 3x3 deep stem; stem and base width
# 32 instead of 64, so stages have 32/64/128/256 channels), output stride 16: the last stage keeps
# stride 1 and dilates by 2. Sized for CPU demos on 128x256 images; trained from scratch (no weights).
norm_cfg = dict(type='BN', requires_grad=True)  # plain BN: SyncBN needs CUDA/distributed
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    # Batches of rescaled crops smaller than 128x256 are padded to it (image 0, label 255).
    size=(128, 256))
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    pretrained=None,
    backbone=dict(
        type='ResNetV1c',
        depth=18,
        stem_channels=32,
        base_channels=32,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 2),
        norm_cfg=norm_cfg,
        norm_eval=False,
        style='pytorch',
        contract_dilation=True),
    decode_head=dict(
        type='ASPPHead',
        in_channels=256,
        in_index=3,
        channels=128,
        # mmseg's (1, 12, 24, 36) suit a 64x128 OS8 map of 512x1024 crops; a 128x256 input gives an
        # 8x16 map at OS16, where rates above ~6 would sample mostly padding.
        dilations=(1, 2, 4, 6),
        dropout_ratio=0.1,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))

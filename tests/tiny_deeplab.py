"""A tiny mmseg DeepLab v3 config (ResNetV1c-18 with 8 base channels, ASPP head, 4 classes, 32x32
inputs) for the wrapper tests that build real mmseg segmentors."""
NORM = dict(type='BN', requires_grad=True)
PREPROCESSOR = dict(type='SegDataPreProcessor', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
                    bgr_to_rgb=True, pad_val=0, seg_pad_val=255, size=(32, 32))


def deeplab_cfg(dropout_ratio=0.0, auxiliary_head=False):
    """``auxiliary_head`` adds an FCN head on ``layer3`` (weight 0.4), as mmseg's DeepLab configs do."""
    cfg = dict(
        type='EncoderDecoder', data_preprocessor=PREPROCESSOR,
        backbone=dict(type='ResNetV1c', depth=18, base_channels=8, stem_channels=8, out_indices=(0, 1, 2, 3),
                      dilations=(1, 1, 2, 4), strides=(1, 2, 1, 1), norm_cfg=NORM, contract_dilation=True),
        decode_head=dict(type='ASPPHead', in_channels=64, in_index=3, channels=16, dilations=(1, 2, 3, 4),
                         num_classes=4, norm_cfg=NORM, align_corners=False, dropout_ratio=dropout_ratio,
                         loss_decode=dict(type='CrossEntropyLoss', loss_weight=1.0)),
        train_cfg=dict(), test_cfg=dict(mode='whole'))
    if auxiliary_head:
        cfg['auxiliary_head'] = dict(type='FCNHead', in_channels=32, in_index=2, channels=8, num_convs=1,
                                     num_classes=4, concat_input=False, norm_cfg=NORM, align_corners=False,
                                     loss_decode=dict(type='CrossEntropyLoss', loss_weight=0.4))
    return cfg

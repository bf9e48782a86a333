# ResNet-18 image classifier, ImageNet-pretrained (torchvision weights; see
# slim_mmseg/models/torchvision_checkpoints.py for offline use). mmseg's ResNet with the standard
# strides and no dilation is torchvision's ResNet-18 (same parameter names).
# Images come from LoadImageFromFile in BGR order; ImageNet mean/std are given in RGB.
model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='ResNet',
        depth=18,
        out_indices=(3, ),
        strides=(1, 2, 2, 2),
        dilations=(1, 1, 1, 1),
        norm_cfg=dict(type='BN', requires_grad=True),
        style='pytorch',
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet18')),
    in_channels=512,
    num_classes=1000)
# Fails before training, naming the file to place, when the weights cannot be downloaded.
custom_hooks = [dict(type='PretrainedWeightsHook')]

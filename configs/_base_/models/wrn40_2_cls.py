# WideResNet-40-2 for 32x32 images, trained from scratch (AugMix's CIFAR-10-C model: no dropout).
# CIFAR arrays are RGB; AugMix normalises with mean = std = 0.5 (in [0, 1] units).
model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        bgr_to_rgb=False),
    backbone=dict(type='WideResNet', depth=40, widen_factor=2, drop_rate=0.0),
    in_channels=128,
    num_classes=10)

# WideResNet-16-1 for the 32x32 digits demo, trained from scratch; images normalised to [-1, 1].
model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(
        type='ImgDataPreprocessor', mean=[127.5] * 3, std=[127.5] * 3, bgr_to_rgb=False),
    backbone=dict(type='WideResNet', depth=16, widen_factor=1),
    in_channels=64,
    num_classes=10)

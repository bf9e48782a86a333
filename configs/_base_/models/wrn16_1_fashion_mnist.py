# WideResNet-16-1 on 28x28 grey Fashion-MNIST images, normalised with Fashion-MNIST's training mean and std.
model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[72.93], std=[90.02]),
    backbone=dict(type='WideResNet', depth=16, widen_factor=1, in_channels=1),
    in_channels=64,
    num_classes=10)

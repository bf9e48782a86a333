# Evidence protocol, short schedule: natural training (the small CNN classifier alone, no attack).
_base_ = ['./_short.py']
model = dict(
    _delete_=True,
    type='ImageClassifier',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[0.], std=[255.]),
    backbone=dict(type='SmallConvNet', channels=(16, 32, 64), strides=(2, 2, 2), in_channels=1),
    in_channels=64,
    num_classes=10,
    input_mean=[0.2860],
    input_std=[0.3530])

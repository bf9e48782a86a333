# Embedded demo, ERM: WRN-16-1 trained on the source digits (light on black), tested on the
# style-shifted held-out digits. Small enough to train in minutes on a CPU.
_base_ = ['../_base_/datasets/digits_style_shift.py', '../_base_/cls_runtime.py']
model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(
        type='ImgDataPreprocessor', mean=[127.5] * 3, std=[127.5] * 3, bgr_to_rgb=False),
    backbone=dict(type='WideResNet', depth=16, widen_factor=1),
    in_channels=64,
    num_classes=10)
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=20, by_epoch=True, convert_to_iter_based=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=20, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=5, save_best='source_val_mean/accuracy', rule='greater'))

# Embedded digits demo: trained on the source digits (light on black), tested on the
# style-shifted held-out digits; small enough to train in minutes on a CPU.
_base_ = ['../datasets/digits_style_shift.py', '../cls_runtime.py']
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

# Iteration-based CPU demo schedule: 1500 AdamW steps with poly decay, source-val/target eval every 500.
# Budget (2 CPU cores): ~0.23 s per batch-4 step of the half-width ResNet-18 DeepLabV3 (measured by the
# lead, idle machine) -> ~5.8 min of training; three evaluations of 200 images and the data generation
# (< 1 min) keep generation + training + evaluation under 10 minutes. AdamW: from-scratch training
# converges in far fewer steps than with SGD at this budget.
max_iters = 1500
val_interval = 500
optimizer = dict(type='AdamW', lr=2e-3, betas=(0.9, 0.999), weight_decay=0.01)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer, clip_grad=None)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=50, by_epoch=False),
    dict(type='PolyLR', eta_min=1e-5, power=0.9, begin=50, end=max_iters, by_epoch=False),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=val_interval)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

# AugMix's CIFAR training (google-research/augmix, cifar.py defaults): SGD with Nesterov momentum
# 0.9, learning rate 0.1, weight decay 5e-4, batch 128 (dataset config), 100 epochs, cosine
# annealing per iteration down to 1e-6.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=100, eta_min=1e-6, by_epoch=True,
         convert_to_iter_based=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

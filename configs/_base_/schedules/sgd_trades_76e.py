# yaodongyu/TRADES train_trades_cifar10.py: SGD lr 0.1, momentum 0.9, weight decay 2e-4, 76
# epochs, x0.1 from its (1-based) epoch 75, i.e. mmengine's (0-based) epoch 74.
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=2e-4))
param_scheduler = [dict(type='MultiStepLR', milestones=[74], gamma=0.1, by_epoch=True)]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=76)

# YisenWang/MART train_resnet.py: SGD lr 0.01, momentum 0.9, weight decay 3.5e-3, 120 epochs,
# x0.1 from (1-based) epoch 75, x0.01 from 90, x0.001 from 100 (0-based milestones 74, 89, 99).
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=3.5e-3))
param_scheduler = [dict(type='MultiStepLR', milestones=[74, 89, 99], gamma=0.1, by_epoch=True)]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=120)

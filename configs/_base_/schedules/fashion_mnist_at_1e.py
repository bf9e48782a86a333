# The CPU demo's short schedule: one epoch (469 steps of 128), SGD with momentum 0.9, weight decay
# 5e-4, learning rate 0.05 annealed per iteration by a cosine to 0 (about 3 minutes for PGD-AT on
# one core).
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=1, eta_min=0.0, by_epoch=True,
                        convert_to_iter_based=True)]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1)

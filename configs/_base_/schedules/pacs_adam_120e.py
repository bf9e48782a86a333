# The SLIM paper's PACS setup: Adam, learning rate 2e-4, batch 64 (set in the dataset config),
# cosine annealing over 120 epochs. Weight decay is not stated there: none is used.
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=2e-4, weight_decay=0.))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=120, by_epoch=True, convert_to_iter_based=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=120, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

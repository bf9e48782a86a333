# 40k iterations of SGD (lr 0.01, momentum 0.9, weight decay 5e-4) with poly decay (power 0.9):
# RobustNet's GTA5 schedule (scripts/train_r50os16_gtav_base.sh: --lr 0.01 --poly_exp 0.9
# --max_iter 40000, weight decay 5e-4), which is also mmseg's schedule_40k apart from the final
# learning rate (RobustNet decays to 0; mmseg stops at 1e-4; we follow RobustNet).
optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer, clip_grad=None)
param_scheduler = [
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=0, end=40000, by_epoch=False)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=40000, val_interval=4000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# Checkpoints are selected on the held-out SOURCE split only (val_dataloader is GTA5 val): the
# best one by GTA5 mIoU is kept besides the periodic ones; target domains never steer training.
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook', by_epoch=False, interval=4000, max_keep_ckpts=2,
        save_best='mIoU', rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))

# DSU's GTA5 source training (lixiaotong97/DSU semantic-segmentation/, configs/deeplabv2_r101_src.yaml
# and deeplabv2_ur101_src.yaml with core/configs/defaults.py, train_src.py, core/solver/build.py):
# SGD, momentum 0.9 (SOLVER.MOMENTUM), weight decay 5e-4 on every parameter (SOLVER.WEIGHT_DECAY;
# WEIGHT_DECAY_BIAS is defined but unused), learning rate 5e-4 (BASE_LR) for the backbone and
# x10 for the classifier head (train_src.py: optimizer_cls lr = BASE_LR * 10), poly decay
# lr = base * (1 - iter / 31250) ** 0.9 (LR_METHOD 'poly', LR_POWER 0.9, MAX_ITER 31250) stopped
# after 20,000 iterations (STOP_ITER), i.e. the learning rate never reaches 0. Checkpoints every
# 2,000 iterations (CHECKPOINT_PERIOD) and at the stop; DSU validates nothing during training and
# tests the final checkpoint, so there is no validation loop and no best-checkpoint selection.
# The rest (hooks, test loop) as in schedule_40k.py.
_base_ = ['./schedule_40k.py']
optimizer = dict(type='SGD', lr=5e-4, momentum=0.9, weight_decay=5e-4)
optim_wrapper = dict(
    optimizer=optimizer,
    paramwise_cfg=dict(custom_keys={'decode_head': dict(lr_mult=10.)}))
# mmengine's PolyLR reaches eta_min at step end - 1 (lr_t = base * (1 - t / (end - 1)) ** power,
# PolyParamScheduler.total_iters = end - begin - 1), so end = 31,251 gives DSU's 1 - t / 31,250.
param_scheduler = [
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=0, end=31251, by_epoch=False)
]
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=20000)
val_cfg = None
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(_delete_=True, type='CheckpointHook', by_epoch=False, interval=2000))

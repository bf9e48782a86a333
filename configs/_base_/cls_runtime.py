# Runtime of the classification configs: epoch-based logging, best checkpoint chosen on the
# validation metric (source data only; the experiment configs name the key).
default_scope = 'mmseg'
custom_imports = dict(imports=['slim_mmseg.openmmlab'], allow_failed_imports=False)
env_cfg = dict(
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=1, save_best='auto'),
    sampler_seed=dict(type='DistSamplerSeedHook'))
# TensorBoard switch: event files in <work_dir>/<timestamp>/vis_data/ with what is logged (losses,
# accuracies and, with SLIMAdvStyle, slim_layer / slim_loss / slim_lambda and SLIMAdvStyleHook's
# image grid); view with `tensorboard --logdir work_dirs`. Either, in a config,
#   visualizer = dict(vis_backends=[dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')])
# or, on the command line (TensorBoard instead of the JSON/PNG files),
#   --cfg-options visualizer.vis_backends.0.type=TensorboardVisBackend
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(by_epoch=True)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)

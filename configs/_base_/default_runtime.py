# Runtime shared by the segmentation configs: mmseg's default_runtime + default_hooks, with
# slim_mmseg registered and checkpoint selection on the SOURCE validation split only.
default_scope = 'mmseg'
custom_imports = dict(imports=['slim_mmseg'], allow_failed_imports=False)
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='SegLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # Targets are evaluated alongside, but only source-val picks the best checkpoint (DG protocol:
    # target data must not influence model selection). The best one is saved at each evaluation, the
    # last one at the end of training, others every `interval` iterations.
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=2000, max_keep_ckpts=1,
                    save_best='source_val/mIoU', rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))

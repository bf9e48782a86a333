# Runtime shared by the segmentation configs: mmseg's default_runtime with slim_mmseg registered.
# Hooks (and with them checkpoint selection) live with the schedules, as in mmseg.
default_scope = 'mmseg'
custom_imports = dict(imports=['slim_mmseg.openmmlab'], allow_failed_imports=False)
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)
# TensorBoard switch: event files in <work_dir>/<timestamp>/vis_data/ with what is logged (losses,
# slim_layer / slim_loss / slim_lambda per iteration, SLIMAdvStyleHook's adversarial image grid);
# view with `tensorboard --logdir work_dirs`. Either, in a config,
#   visualizer = dict(vis_backends=[dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')])
# or, on the command line (TensorBoard instead of the JSON/PNG files),
#   --cfg-options visualizer.vis_backends.0.type=TensorboardVisBackend
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='SegLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)

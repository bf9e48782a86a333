# What every AdvStyle / SLIM-AdvStyle experiment adds to its ERM config (besides wrapping the model):
# the DDP wrapper that runs the min-max step under --launcher pytorch, and the hook that schedules
# the adversary and logs/visualises it.
model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')
custom_hooks = [
    dict(type='SLIMAdvStyleHook', start_iter=0, warmup_iters=0, log_interval=50, vis_interval=400),
]

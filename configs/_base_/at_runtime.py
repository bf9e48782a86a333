# Runtime of the adversarial-training configs: the classification runtime without validation-based
# selection (the references report the last epoch; the test loop measures clean and PGD-20 accuracy).
_base_ = ['./cls_runtime.py']
default_hooks = dict(checkpoint=dict(interval=10, max_keep_ckpts=1, save_best=None))
# AdversarialTraining runs its own step under DDP (--launcher pytorch).
model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')
val_dataloader = None
val_evaluator = None
val_cfg = None

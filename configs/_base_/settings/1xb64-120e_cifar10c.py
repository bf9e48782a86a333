# CIFAR-10-C with the SLIM paper's recipe (its section 5: Adam 2e-4, batch 64, cosine, 120
# epochs, the PACS schedule); data and evaluation as in 1xb128-100e_cifar10c.py.
_base_ = ['../datasets/cifar10c.py', '../schedules/pacs_adam_120e.py', '../cls_runtime.py']
train_dataloader = dict(batch_size=64)
train_cfg = dict(val_interval=5)
default_hooks = dict(checkpoint=dict(interval=5, save_best=None))

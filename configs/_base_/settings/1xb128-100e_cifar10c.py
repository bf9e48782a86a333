# CIFAR-10-C with AugMix's standard recipe (SGD, batch 128, 100 epochs): train on CIFAR-10, test the
# last checkpoint on CIFAR-10 test + the 15 corruptions x 5 severities.
_base_ = ['../datasets/cifar10c.py', '../schedules/cifar_sgd_100e.py', '../cls_runtime.py']
default_hooks = dict(checkpoint=dict(interval=5, save_best=None))

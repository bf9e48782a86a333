# CIFAR-10-C, ERM: WRN-40-2 trained on CIFAR-10 with AugMix's standard recipe (no AugMix),
# the last checkpoint tested on CIFAR-10 test + the 15 corruptions x 5 severities.
_base_ = ['../_base_/datasets/cifar10c.py', '../_base_/models/wrn40_2_cls.py',
          '../_base_/schedules/cifar_sgd_100e.py', '../_base_/cls_runtime.py']
default_hooks = dict(checkpoint=dict(interval=5, save_best=None))

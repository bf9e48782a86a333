# CIFAR-10-C (AugMix recipe): ERM, wrn40-2.
_base_ = ['../_base_/settings/1xb128-100e_cifar10c.py',
          '../_base_/models/wrn40_2_cls.py']

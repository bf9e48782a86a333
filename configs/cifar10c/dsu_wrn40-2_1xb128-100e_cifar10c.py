# CIFAR-10-C (AugMix recipe): DSU, wrn40-2.
_base_ = ['../_base_/settings/1xb128-100e_cifar10c.py',
          '../_base_/methods/dsu_wrn40-2.py']

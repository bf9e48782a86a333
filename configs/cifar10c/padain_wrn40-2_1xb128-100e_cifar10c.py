# CIFAR-10-C (AugMix recipe): pAdaIN, wrn40-2.
_base_ = ['../_base_/settings/1xb128-100e_cifar10c.py',
          '../_base_/methods/padain_wrn40-2.py']

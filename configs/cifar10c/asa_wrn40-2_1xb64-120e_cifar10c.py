# CIFAR-10-C (the paper's recipe): ASA, wrn40-2.
_base_ = ['../_base_/settings/1xb64-120e_cifar10c.py',
          '../_base_/methods/asa_wrn40-2.py']

# Fashion-MNIST -> Fashion-MNIST-C, WRN-16-1: DSU.
_base_ = ['../_base_/settings/1xb128-6e_fashion-mnist-c.py', '../_base_/methods/dsu_wrn16-1-fashion-mnist.py']

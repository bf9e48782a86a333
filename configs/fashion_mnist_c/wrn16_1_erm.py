# Fashion-MNIST -> Fashion-MNIST-C, ERM: WRN-16-1 (settings: ../_base_/settings/1xb128-6e_fashion-mnist-c.py).
_base_ = ['../_base_/settings/1xb128-6e_fashion-mnist-c.py', '../_base_/models/wrn16_1_fashion_mnist.py']

# Fashion-MNIST CPU demo: PGD-AT (eps 0.1, PGD-10 of 0.025, uniform start), one epoch.
_base_ = ['../_base_/datasets/fashion_mnist_at.py', '../_base_/models/small_convnet_fashion_mnist_at.py',
          '../_base_/schedules/fashion_mnist_at_1e.py', '../_base_/at_runtime.py']
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=1))

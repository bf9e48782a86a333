# Fashion-MNIST -> Fashion-MNIST-C, WRN-16-1: AdvStyle (ASA) + SLIM (the term's default scale; the rows name theirs).
_base_ = ['../_base_/settings/1xb128-6e_fashion-mnist-c.py', '../_base_/methods/asa-slim_wrn16-1-fashion-mnist.py']

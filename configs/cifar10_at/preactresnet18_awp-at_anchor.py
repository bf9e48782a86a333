# AT-AWP as csdongxian/AWP AT_AWP/train_cifar10.py: the PGD-AT anchor plus gamma 0.01, no warm-up.
_base_ = ['./preactresnet18_pgd-at_anchor.py']
model = dict(awp=dict(gamma=0.01, warmup_epochs=0))

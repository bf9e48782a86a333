# AWP on PGD-AT in the SLIM paper's setting: gamma 0.01, no warm-up (AT_AWP/train_cifar10.py).
_base_ = ['./resnet18_pgd-at_paper.py']
model = dict(awp=dict(gamma=0.01, warmup_epochs=0))

# PreActResNet-18 as csdongxian/AWP AT_AWP/preactresnet.py. AWP normalises with CIFAR-10's
# statistics after the perturbation (AT_AWP/utils.py cifar10_mean / cifar10_std): here inside the
# classifier, so that the attacked input is the [0, 1] image.
_base_ = ['./resnet18_at.py']
model = dict(model=dict(
    backbone=dict(_delete_=True, type='PreActResNet', blocks=(2, 2, 2, 2)),
    input_mean=[0.4914, 0.4822, 0.4465],
    input_std=[0.2471, 0.2435, 0.2616]))

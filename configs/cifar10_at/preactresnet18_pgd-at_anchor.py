# PGD-AT as csdongxian/AWP AT_AWP/train_cifar10.py runs it (its plain-AT baseline): PreActResNet-18,
# batch 128, crop + flip, eps 8/255, PGD-10 alpha 2/255, uniform start, 200 epochs piecewise.
_base_ = ['../_base_/datasets/cifar10_at_crop_flip.py', '../_base_/models/preactresnet18_at.py',
          '../_base_/schedules/sgd_200e_piecewise.py', '../_base_/at_runtime.py']
model = dict(objective=dict(type='PGDAT'), attack=dict(step_size=2 / 255))

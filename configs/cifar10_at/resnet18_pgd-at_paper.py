# PGD-AT, the SLIM paper's Table 4 setting: ResNet-18 (MART's), batch 64, no augmentation,
# eps 8/255, PGD-10 with alpha 1/255 from a uniform start, 200 epochs.
_base_ = ['../_base_/datasets/cifar10_at.py', '../_base_/models/resnet18_at.py',
          '../_base_/schedules/sgd_200e_piecewise.py', '../_base_/at_runtime.py']
model = dict(objective=dict(type='PGDAT'), attack=dict(step_size=1 / 255))

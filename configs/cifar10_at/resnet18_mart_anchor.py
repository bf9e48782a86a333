# MART as YisenWang/MART train_resnet.py: ResNet-18, batch 128, crop + flip, eps 0.031, step 0.007,
# 10 steps, beta 5, SGD lr 0.01 / wd 3.5e-3, 120 epochs.
_base_ = ['../_base_/datasets/cifar10_at_crop_flip.py', '../_base_/models/resnet18_at.py',
          '../_base_/schedules/sgd_mart_120e.py', '../_base_/at_runtime.py']
model = dict(objective=dict(_delete_=True, type='MART', beta=5.0),
             attack=dict(eps=0.031, step_size=0.007))
# Their PGD-20 evaluation (pgd_attack_cifar10.py / _pgd_whitebox): eps 0.031, step 0.003.
test_cfg = dict(attack=dict(eps=0.031, step_size=0.003))

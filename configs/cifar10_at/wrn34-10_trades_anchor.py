# TRADES as yaodongyu/TRADES train_trades_cifar10.py: WRN-34-10, batch 128, crop + flip,
# eps 0.031, step 0.007, 10 steps, beta 6, SGD lr 0.1 / wd 2e-4, 76 epochs.
_base_ = ['../_base_/datasets/cifar10_at_crop_flip.py', '../_base_/models/wrn34_10_at.py',
          '../_base_/schedules/sgd_trades_76e.py', '../_base_/at_runtime.py']
model = dict(objective=dict(_delete_=True, type='TRADES', beta=6.0),
             attack=dict(eps=0.031, step_size=0.007))
# Their PGD-20 evaluation (pgd_attack_cifar10.py / _pgd_whitebox): eps 0.031, step 0.003.
test_cfg = dict(attack=dict(eps=0.031, step_size=0.003))

# TRADES-AWP as csdongxian/AWP trades_AWP/train_trades_cifar.py: WRN-34-10, batch 128, crop + flip,
# eps 8/255, step 2/255, 10 steps, beta 6, gamma 0.005 from (1-based) epoch 10, SGD lr 0.1 /
# wd 5e-4, 200 epochs, x0.1 from (1-based) epoch 100 and x0.01 from 150.
_base_ = ['../_base_/datasets/cifar10_at_crop_flip.py', '../_base_/models/wrn34_10_at.py',
          '../_base_/schedules/sgd_200e_piecewise.py', '../_base_/at_runtime.py']
model = dict(objective=dict(_delete_=True, type='TRADES', beta=6.0),
             attack=dict(step_size=2 / 255), awp=dict(gamma=0.005, warmup_epochs=9))
param_scheduler = [dict(type='MultiStepLR', milestones=[99, 149], gamma=0.1, by_epoch=True)]

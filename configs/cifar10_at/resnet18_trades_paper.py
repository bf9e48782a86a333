# TRADES in the SLIM paper's setting (ResNet-18, batch 64, no augmentation, eps 8/255, 10 steps,
# 200 epochs) with TRADES' own attack and loss: step 0.007, start x + 0.001 N(0, 1), beta 6, and its
# weight decay 2e-4 (train_trades_cifar10.py; learning rate 0.1 and momentum 0.9 as there).
_base_ = ['./resnet18_pgd-at_paper.py']
model = dict(objective=dict(_delete_=True, type='TRADES', beta=6.0), attack=dict(step_size=0.007))
optim_wrapper = dict(optimizer=dict(weight_decay=2e-4))

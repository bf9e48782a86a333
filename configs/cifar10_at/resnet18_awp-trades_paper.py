# AWP on TRADES in the SLIM paper's setting, with trades_AWP/train_trades_cifar.py's values: attack
# step 2/255, beta 6, gamma 0.005, AWP from its (1-based) epoch 10 = mmengine's epoch 9, and its
# weight decay 5e-4 (not TRADES' own 2e-4, which resnet18_trades_paper takes).
_base_ = ['./resnet18_trades_paper.py']
model = dict(attack=dict(step_size=2 / 255), awp=dict(gamma=0.005, warmup_epochs=9))
optim_wrapper = dict(optimizer=dict(weight_decay=5e-4))

# AWP on TRADES in the SLIM paper's setting, with trades_AWP/train_trades_cifar.py's values: attack
# step 2/255, beta 6, gamma 0.005, AWP from its (1-based) epoch 10 = mmengine's epoch 9.
_base_ = ['./resnet18_trades_paper.py']
model = dict(attack=dict(step_size=2 / 255), awp=dict(gamma=0.005, warmup_epochs=9))

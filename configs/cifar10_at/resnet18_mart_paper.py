# MART in the SLIM paper's setting with MART's own attack and loss (mart.py / train_resnet.py):
# step 0.007, start x + 0.001 N(0, 1), beta 5 (its ResNet-18 value). The paper trains MART with "the
# learning rate used in [30, 33]": MART's train_resnet.py SGD lr 0.01, weight decay 3.5e-3 (momentum
# 0.9); the 200 epochs and their x0.1 steps at 100 and 150 stay the paper's setting.
_base_ = ['./resnet18_pgd-at_paper.py']
model = dict(objective=dict(_delete_=True, type='MART', beta=5.0), attack=dict(step_size=0.007))
optim_wrapper = dict(optimizer=dict(lr=0.01, weight_decay=3.5e-3))

# 200 epochs of SGD (momentum 0.9, weight decay 5e-4), learning rate 0.1, x0.1 at epoch 100 and
# x0.01 at 150: csdongxian/AWP AT_AWP/train_cifar10.py ('piecewise': lr_max until 50% of the
# epochs, /10 until 75%, /100 after). The SLIM paper gives 200 epochs but not the optimiser.
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = [dict(type='MultiStepLR', milestones=[100, 150], gamma=0.1, by_epoch=True)]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=200)

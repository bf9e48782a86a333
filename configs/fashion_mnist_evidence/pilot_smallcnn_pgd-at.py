# Epoch pilot of the evidence protocol (docs/evidence.md): PGD-AT on the small CNN with a constant
# learning rate of 0.05 for 15 epochs of the 60000 training images, a checkpoint per epoch;
# tools/evidence/pilot_epochs.py then measures PGD-20 accuracy on the first 1000 test images of each.
_base_ = ['../fashion_mnist_at/smallcnn_pgd-at.py']
param_scheduler = []
train_cfg = dict(max_epochs=15)
default_hooks = dict(checkpoint=dict(interval=1, max_keep_ckpts=-1))

# PGD-CS adversarial training, the SLIM paper's Table 1: resnet18_pgd-at_paper whose attack ascends
# 1 - cos(f_4(x), f_4(x_adv)) on the fourth stage (backbone.layer4) instead of the cross-entropy;
# training loss CE(f(x_adv), y). Uniform start, eps 8/255, PGD-10 with alpha 1/255, 200 epochs.
_base_ = ['./resnet18_pgd-at_paper.py']
model = dict(objective=dict(type='PGDCS', layer='backbone.layer4'))

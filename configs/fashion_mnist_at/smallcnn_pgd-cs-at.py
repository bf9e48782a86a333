# smallcnn_pgd-at with PGD-CS's attack (the SLIM paper's Table 1): ascend 1 - cos(f(x), f(x_adv))
# on the last stage (backbone.layer3: SmallConvNet has three), train on CE(f(x_adv), y).
_base_ = ['./smallcnn_pgd-at.py']
model = dict(objective=dict(type='PGDCS', layer='backbone.layer3'))

# MART in the SLIM paper's setting with MART's own attack and loss (mart.py / train_resnet.py):
# step 0.007, start x + 0.001 N(0, 1), beta 5 (its ResNet-18 value).
_base_ = ['./resnet18_pgd-at_paper.py']
model = dict(objective=dict(_delete_=True, type='MART', beta=5.0), attack=dict(step_size=0.007))

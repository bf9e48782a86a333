# Office-Home leave-one-domain-out, target Clipart: AdvStyle-Zhong + SLIM, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_office-home-lodo-clipart.py',
          '../_base_/methods/advstyle-zhong-slim_resnet18.py']
model = dict(model=dict(num_classes=65))

# TerraIncognita leave-one-domain-out, target location_38: AdvStyle-Zhong + SLIM, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_terra-incognita-lodo-location-38.py',
          '../_base_/methods/advstyle-zhong-slim_resnet18.py']
model = dict(model=dict(num_classes=10))

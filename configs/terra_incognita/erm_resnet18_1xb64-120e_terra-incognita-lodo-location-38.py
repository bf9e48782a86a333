# TerraIncognita leave-one-domain-out, target location_38: ERM, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_terra-incognita-lodo-location-38.py',
          '../_base_/models/resnet18_cls.py']
model = dict(num_classes=10)

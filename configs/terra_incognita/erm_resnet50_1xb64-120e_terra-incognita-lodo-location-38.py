# TerraIncognita leave-one-domain-out, target location_38: ERM, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_terra-incognita-lodo-location-38.py',
          '../_base_/models/resnet50_cls.py']
model = dict(num_classes=10)

# TerraIncognita leave-one-domain-out, target location_43: ERM, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_terra-incognita-lodo-location-43.py',
          '../_base_/models/resnet50_cls.py']
model = dict(num_classes=10)

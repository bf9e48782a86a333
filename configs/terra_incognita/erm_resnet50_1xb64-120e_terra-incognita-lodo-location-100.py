# TerraIncognita leave-one-domain-out, target location_100: ERM, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_terra-incognita-lodo-location-100.py',
          '../_base_/models/resnet50_cls.py']
model = dict(num_classes=10)

# TerraIncognita leave-one-domain-out, target location_100: MixStyle, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_terra-incognita-lodo-location-100.py',
          '../_base_/methods/mixstyle_resnet50.py']
model = dict(model=dict(num_classes=10))

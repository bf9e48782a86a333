# TerraIncognita leave-one-domain-out, target location_43: MixStyle, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_terra-incognita-lodo-location-43.py',
          '../_base_/methods/mixstyle_resnet18.py']
model = dict(model=dict(num_classes=10))

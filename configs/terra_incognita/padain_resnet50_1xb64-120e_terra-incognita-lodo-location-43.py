# TerraIncognita leave-one-domain-out, target location_43: pAdaIN, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_terra-incognita-lodo-location-43.py',
          '../_base_/methods/padain_resnet50.py']
model = dict(model=dict(num_classes=10))

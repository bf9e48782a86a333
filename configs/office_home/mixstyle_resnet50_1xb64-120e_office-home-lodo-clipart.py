# Office-Home leave-one-domain-out, target Clipart: MixStyle, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_office-home-lodo-clipart.py',
          '../_base_/methods/mixstyle_resnet50.py']
model = dict(model=dict(num_classes=65))

# Office-Home leave-one-domain-out, target Clipart: ERM, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_office-home-lodo-clipart.py',
          '../_base_/models/resnet50_cls.py']
model = dict(num_classes=65)

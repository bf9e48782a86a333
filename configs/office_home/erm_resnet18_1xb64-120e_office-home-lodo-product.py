# Office-Home leave-one-domain-out, target Product: ERM, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_office-home-lodo-product.py',
          '../_base_/models/resnet18_cls.py']
model = dict(num_classes=65)

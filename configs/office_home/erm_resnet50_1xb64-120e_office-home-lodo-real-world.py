# Office-Home leave-one-domain-out, target Real World: ERM, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_office-home-lodo-real-world.py',
          '../_base_/models/resnet50_cls.py']
model = dict(num_classes=65)

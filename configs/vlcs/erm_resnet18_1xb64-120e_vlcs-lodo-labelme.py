# VLCS leave-one-domain-out, target LabelMe: ERM, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_vlcs-lodo-labelme.py',
          '../_base_/models/resnet18_cls.py']
model = dict(num_classes=5)

# VLCS leave-one-domain-out, target Caltech101: ERM, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_vlcs-lodo-caltech101.py',
          '../_base_/models/resnet18_cls.py']
model = dict(num_classes=5)

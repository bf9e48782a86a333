# VLCS leave-one-domain-out, target Caltech101: ERM, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_vlcs-lodo-caltech101.py',
          '../_base_/models/resnet50_cls.py']
model = dict(num_classes=5)

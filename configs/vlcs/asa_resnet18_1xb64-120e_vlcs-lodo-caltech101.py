# VLCS leave-one-domain-out, target Caltech101: ASA, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_vlcs-lodo-caltech101.py',
          '../_base_/methods/asa_resnet18.py']
model = dict(model=dict(num_classes=5))

# VLCS leave-one-domain-out, target Caltech101: pAdaIN, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_vlcs-lodo-caltech101.py',
          '../_base_/methods/padain_resnet18.py']
model = dict(model=dict(num_classes=5))

# PACS leave-one-domain-out, target sketch: ASA, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_pacs-lodo-sketch.py',
          '../_base_/methods/asa_resnet18.py']
model = dict(model=dict(num_classes=7))

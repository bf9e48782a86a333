# PACS leave-one-domain-out, target sketch: pAdaIN, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_pacs-lodo-sketch.py',
          '../_base_/methods/padain_resnet18.py']
model = dict(model=dict(num_classes=7))

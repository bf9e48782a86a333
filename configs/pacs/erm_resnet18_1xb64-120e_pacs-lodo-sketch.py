# PACS leave-one-domain-out, target sketch: ERM, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_pacs-lodo-sketch.py',
          '../_base_/models/resnet18_cls.py']
model = dict(num_classes=7)

# PACS leave-one-domain-out, target cartoon: ERM, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_pacs-lodo-cartoon.py',
          '../_base_/models/resnet18_cls.py']
model = dict(num_classes=7)

# PACS leave-one-domain-out, target photo: ERM, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_pacs-lodo-photo.py',
          '../_base_/models/resnet50_cls.py']
model = dict(num_classes=7)

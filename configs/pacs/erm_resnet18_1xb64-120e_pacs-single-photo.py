# PACS single-source, source photo: ERM, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_pacs-single-photo.py',
          '../_base_/models/resnet18_cls.py']
model = dict(num_classes=7)

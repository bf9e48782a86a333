# PACS leave-one-domain-out, target photo: DSU, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_pacs-lodo-photo.py',
          '../_base_/methods/dsu_resnet50.py']
model = dict(model=dict(num_classes=7))

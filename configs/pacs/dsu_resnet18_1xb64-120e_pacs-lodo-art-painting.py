# PACS leave-one-domain-out, target art_painting: DSU, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_pacs-lodo-art-painting.py',
          '../_base_/methods/dsu_resnet18.py']
model = dict(model=dict(num_classes=7))

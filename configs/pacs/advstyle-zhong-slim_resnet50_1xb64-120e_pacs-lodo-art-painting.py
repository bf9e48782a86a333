# PACS leave-one-domain-out, target art_painting: AdvStyle-Zhong + SLIM, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_pacs-lodo-art-painting.py',
          '../_base_/methods/advstyle-zhong-slim_resnet50.py']
model = dict(model=dict(num_classes=7))

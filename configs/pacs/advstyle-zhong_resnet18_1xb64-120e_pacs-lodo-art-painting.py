# PACS leave-one-domain-out, target art_painting: AdvStyle-Zhong, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_pacs-lodo-art-painting.py',
          '../_base_/methods/advstyle-zhong_resnet18.py']
model = dict(model=dict(num_classes=7))

# PACS leave-one-domain-out, target sketch: AdvStyle-Zhong, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_pacs-lodo-sketch.py',
          '../_base_/methods/advstyle-zhong_resnet50.py']
model = dict(model=dict(num_classes=7))

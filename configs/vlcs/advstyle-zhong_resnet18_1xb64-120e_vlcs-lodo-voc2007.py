# VLCS leave-one-domain-out, target VOC2007: AdvStyle-Zhong, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_vlcs-lodo-voc2007.py',
          '../_base_/methods/advstyle-zhong_resnet18.py']
model = dict(model=dict(num_classes=5))

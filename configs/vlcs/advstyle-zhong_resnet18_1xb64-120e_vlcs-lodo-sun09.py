# VLCS leave-one-domain-out, target SUN09: AdvStyle-Zhong, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_vlcs-lodo-sun09.py',
          '../_base_/methods/advstyle-zhong_resnet18.py']
model = dict(model=dict(num_classes=5))

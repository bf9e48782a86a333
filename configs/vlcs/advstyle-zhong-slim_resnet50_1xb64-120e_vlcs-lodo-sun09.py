# VLCS leave-one-domain-out, target SUN09: AdvStyle-Zhong + SLIM, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_vlcs-lodo-sun09.py',
          '../_base_/methods/advstyle-zhong-slim_resnet50.py']
model = dict(model=dict(num_classes=5))

# VLCS leave-one-domain-out, target SUN09: MixStyle, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_vlcs-lodo-sun09.py',
          '../_base_/methods/mixstyle_resnet50.py']
model = dict(model=dict(num_classes=5))

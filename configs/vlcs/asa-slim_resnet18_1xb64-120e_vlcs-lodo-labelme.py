# VLCS leave-one-domain-out, target LabelMe: ASA + SLIM, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_vlcs-lodo-labelme.py',
          '../_base_/methods/asa-slim_resnet18.py']
model = dict(model=dict(num_classes=5))

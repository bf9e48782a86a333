# Office-Home leave-one-domain-out, target Art: ASA + SLIM, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_office-home-lodo-art.py',
          '../_base_/methods/asa-slim_resnet18.py']
model = dict(model=dict(num_classes=65))

# Office-Home leave-one-domain-out, target Real World: ASA + SLIM, resnet50.
_base_ = ['../_base_/settings/1xb64-120e_office-home-lodo-real-world.py',
          '../_base_/methods/asa-slim_resnet50.py']
model = dict(model=dict(num_classes=65))

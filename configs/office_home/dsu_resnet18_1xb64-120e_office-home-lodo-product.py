# Office-Home leave-one-domain-out, target Product: DSU, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_office-home-lodo-product.py',
          '../_base_/methods/dsu_resnet18.py']
model = dict(model=dict(num_classes=65))

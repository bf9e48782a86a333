# Office-Home leave-one-domain-out, target Real World: AdvStyle-Zhong, resnet18.
_base_ = ['../_base_/settings/1xb64-120e_office-home-lodo-real-world.py',
          '../_base_/methods/advstyle-zhong_resnet18.py']
model = dict(model=dict(num_classes=65))

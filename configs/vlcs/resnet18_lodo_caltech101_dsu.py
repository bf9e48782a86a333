# VLCS leave-one-domain-out, target Caltech101, ResNet-18: DSU.
# Method: configs/_base_/methods/dsu.py; positions: configs/_base_/methods/placement_resnet_cls.py.
_base_ = ['./resnet18_lodo_caltech101_erm.py', '../_base_/methods/dsu.py',
          '../_base_/methods/placement_resnet_cls.py']
model = dict(
    _delete_=True,
    type='StyleAugmented',
    model={{_base_.model}},
    augmentation={{_base_.augmentation}},
    positions={{_base_.positions.DSU}})

# TerraIncognita leave-one-domain-out, target location_100, ResNet-18: AdvStyle (ASA).
# Method: configs/_base_/methods/asa.py; positions: configs/_base_/methods/placement_resnet_cls.py.
_base_ = ['./resnet18_lodo_location_100_erm.py', '../_base_/methods/asa.py',
          '../_base_/methods/placement_resnet_cls.py']
model = dict(
    _delete_=True,
    type='StyleAugmented',
    model={{_base_.model}},
    augmentation={{_base_.augmentation}},
    positions={{_base_.positions.ASA}})

# Office-Home leave-one-domain-out, target Real World, ResNet-50: AdvStyle (ASA).
# Method: configs/_base_/methods/asa.py; positions: configs/_base_/methods/placement_resnet_cls.py.
_base_ = ['./resnet50_lodo_real_world_erm.py', '../_base_/methods/asa.py',
          '../_base_/methods/placement_resnet_cls.py']
model = dict(
    _delete_=True,
    type='StyleAugmented',
    model={{_base_.model}},
    augmentation={{_base_.augmentation}},
    positions={{_base_.positions.ASA}})

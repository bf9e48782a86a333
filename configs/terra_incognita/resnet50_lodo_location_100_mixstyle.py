# TerraIncognita leave-one-domain-out, target location_100, ResNet-50: MixStyle.
# Method: configs/_base_/methods/mixstyle.py; positions: configs/_base_/methods/placement_resnet_cls.py.
_base_ = ['./resnet50_lodo_location_100_erm.py', '../_base_/methods/mixstyle.py',
          '../_base_/methods/placement_resnet_cls.py']
model = dict(
    _delete_=True,
    type='StyleAugmented',
    model={{_base_.model}},
    augmentation={{_base_.augmentation}},
    positions={{_base_.positions.MixStyle}})

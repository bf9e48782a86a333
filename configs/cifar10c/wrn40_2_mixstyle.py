# CIFAR-10-C, WRN-40-2: MixStyle.
# Method: configs/_base_/methods/mixstyle.py; positions: configs/_base_/methods/placement_wrn.py.
_base_ = ['./wrn40_2_erm.py', '../_base_/methods/mixstyle.py',
          '../_base_/methods/placement_wrn.py']
model = dict(
    _delete_=True,
    type='StyleAugmented',
    model={{_base_.model}},
    augmentation={{_base_.augmentation}},
    positions={{_base_.positions.MixStyle}})

# CIFAR-10-C, WRN-40-2: pAdaIN.
# Method: configs/_base_/methods/padain.py; positions: configs/_base_/methods/placement_wrn.py.
_base_ = ['./wrn40_2_erm.py', '../_base_/methods/padain.py',
          '../_base_/methods/placement_wrn.py']
model = dict(
    _delete_=True,
    type='StyleAugmented',
    model={{_base_.model}},
    augmentation={{_base_.augmentation}},
    positions={{_base_.positions.pAdaIN}})

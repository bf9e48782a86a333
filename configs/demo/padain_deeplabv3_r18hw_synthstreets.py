# SynthStreets CPU demo, DeepLabV3 / half-width R18: pAdaIN.
# Method: configs/_base_/methods/padain.py; positions: configs/_base_/methods/placement_resnetv1c_seg.py.
_base_ = ['./erm_deeplabv3_r18hw_synthstreets.py', '../_base_/methods/padain.py',
          '../_base_/methods/placement_resnetv1c_seg.py']
model = dict(
    _delete_=True,
    type='StyleAugmented',
    model={{_base_.model}},
    augmentation={{_base_.augmentation}},
    positions={{_base_.positions.pAdaIN}})

# pAdaIN on ../models/deeplabv2_r101.py (method: ./padain.py; positions: ./placement_resnetv1c_seg.py).
_base_ = ['../models/deeplabv2_r101.py', './padain.py', './placement_resnetv1c_seg.py']
model = dict(_delete_=True, type='StyleAugmented', model={{_base_.model}}, augmentation={{_base_.augmentation}},
             positions={{_base_.positions.pAdaIN}})

# pAdaIN on ../models/deeplabv3_r18hw.py (method: ./padain.py; positions: ./placement_resnetv1c_seg.py).
_base_ = ['../models/deeplabv3_r18hw.py', './padain.py', './placement_resnetv1c_seg.py']
model = dict(_delete_=True, type='StyleAugmented', model={{_base_.model}}, augmentation={{_base_.augmentation}},
             positions={{_base_.positions.pAdaIN}})

# pAdaIN on ../models/wrn40_2_cls.py (method: ./padain.py; positions: ./placement_wrn.py).
_base_ = ['../models/wrn40_2_cls.py', './padain.py', './placement_wrn.py']
model = dict(_delete_=True, type='StyleAugmented', model={{_base_.model}}, augmentation={{_base_.augmentation}},
             positions={{_base_.positions.pAdaIN}})

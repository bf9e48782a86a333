# ASA on ../models/wrn16_1_cls.py (method: ./asa.py; positions: ./placement_wrn.py).
_base_ = ['../models/wrn16_1_cls.py', './asa.py', './placement_wrn.py']
model = dict(_delete_=True, type='StyleAugmented', model={{_base_.model}}, augmentation={{_base_.augmentation}},
             positions={{_base_.positions.ASA}})

# ASA on ../models/resnet50_cls.py (method: ./asa.py; positions: ./placement_resnet_cls.py).
_base_ = ['../models/resnet50_cls.py', './asa.py', './placement_resnet_cls.py']
model = dict(_delete_=True, type='StyleAugmented', model={{_base_.model}}, augmentation={{_base_.augmentation}},
             positions={{_base_.positions.ASA}})

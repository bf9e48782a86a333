# MixStyle on ../models/resnet50_cls.py (method: ./mixstyle.py; positions: ./placement_resnet_cls.py).
_base_ = ['../models/resnet50_cls.py', './mixstyle.py', './placement_resnet_cls.py']
model = dict(_delete_=True, type='StyleAugmented', model={{_base_.model}}, augmentation={{_base_.augmentation}},
             positions={{_base_.positions.MixStyle}})

# MixStyle on ../models/deeplabv2_r101_frozen_bn.py (method: ./mixstyle.py; positions: ./placement_resnet_cls.py).
_base_ = ['../models/deeplabv2_r101_frozen_bn.py', './mixstyle.py', './placement_resnet_cls.py']
model = dict(_delete_=True, type='StyleAugmented', model={{_base_.model}}, augmentation={{_base_.augmentation}},
             positions={{_base_.positions.MixStyle}})

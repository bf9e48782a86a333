# ASA + SLIM on ../models/deeplabv2_r101_frozen_bn.py (method: ./asa-slim.py; positions: ./placement_resnet_cls.py).
_base_ = ['../models/deeplabv2_r101_frozen_bn.py', './asa-slim.py', './placement_resnet_cls.py']
model = dict(_delete_=True, type='StyleAugmented', model={{_base_.model}}, augmentation={{_base_.augmentation}},
             positions={{_base_.positions.ASA}}, slim={{_base_.slim}}, slim_layers={{_base_.slim_layers}})

# ASA + SLIM on ../models/wrn40_2_cls.py (method: ./asa-slim.py; positions: ./placement_wrn.py).
_base_ = ['../models/wrn40_2_cls.py', './asa-slim.py', './placement_wrn.py']
model = dict(_delete_=True, type='StyleAugmented', model={{_base_.model}}, augmentation={{_base_.augmentation}},
             positions={{_base_.positions.ASA}}, slim={{_base_.slim}}, slim_layers={{_base_.slim_layers}})

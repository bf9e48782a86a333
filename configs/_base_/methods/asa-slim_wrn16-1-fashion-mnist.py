# ASA + SLIM on ../models/wrn16_1_fashion_mnist.py (method: ./asa-slim.py; positions: ./placement_wrn.py).
_base_ = ['../models/wrn16_1_fashion_mnist.py', './asa-slim.py', './placement_wrn.py']
model = dict(_delete_=True, type='StyleAugmented', model={{_base_.model}}, probe_size=(28, 28), probe_channels=1,
             augmentation={{_base_.augmentation}}, positions={{_base_.positions.ASA}}, slim={{_base_.slim}}, slim_layers={{_base_.slim_layers}})

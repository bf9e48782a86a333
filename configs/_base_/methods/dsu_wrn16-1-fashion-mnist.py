# DSU on ../models/wrn16_1_fashion_mnist.py (method: ./dsu.py; positions: ./placement_wrn.py).
_base_ = ['../models/wrn16_1_fashion_mnist.py', './dsu.py', './placement_wrn.py']
model = dict(_delete_=True, type='StyleAugmented', model={{_base_.model}}, probe_size=(28, 28), probe_channels=1,
             augmentation={{_base_.augmentation}}, positions={{_base_.positions.DSU}})

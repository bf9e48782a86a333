# Fashion-MNIST -> Fashion-MNIST-C, WRN-16-1: AdvStyle (ASA).
# Method: configs/_base_/methods/asa.py; positions: configs/_base_/methods/placement_wrn.py.
_base_ = ['./wrn16_1_erm.py', '../_base_/methods/asa.py', '../_base_/methods/placement_wrn.py']
model = dict(
    _delete_=True,
    type='StyleAugmented',
    model={{_base_.model}},
    probe_size=(28, 28),
    probe_channels=1,
    augmentation={{_base_.augmentation}},
    positions={{_base_.positions.ASA}})

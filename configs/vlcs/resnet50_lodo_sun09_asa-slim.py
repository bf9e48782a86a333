# VLCS leave-one-domain-out, target SUN09, ResNet-50: AdvStyle (ASA) + SLIM.
# Method: configs/_base_/methods/asa_slim.py; positions: configs/_base_/methods/placement_resnet_cls.py.
_base_ = ['./resnet50_lodo_sun09_erm.py', '../_base_/methods/asa_slim.py',
          '../_base_/methods/placement_resnet_cls.py']
model = dict(
    _delete_=True,
    type='StyleAugmented',
    model={{_base_.model}},
    augmentation={{_base_.augmentation}},
    positions={{_base_.positions.ASA}},
    slim={{_base_.slim}},
    slim_layers={{_base_.slim_layers}})

# GTA5 -> Cityscapes/BDD100K/Mapillary, deeplabv2_r101-d8 (RobustNet protocol): AdvStyle (ASA) + SLIM.
# Method: configs/_base_/methods/asa_slim.py; positions: configs/_base_/methods/placement_resnetv1c_seg.py.
_base_ = ['./erm_deeplabv2_r101-d8_4xb4-40k_gta5-to-cityscapes-bdd100k-mapillary_768x768.py', '../_base_/methods/asa_slim.py',
          '../_base_/methods/placement_resnetv1c_seg.py']
model = dict(
    _delete_=True,
    type='StyleAugmented',
    model={{_base_.model}},
    augmentation={{_base_.augmentation}},
    positions={{_base_.positions.ASA}},
    slim={{_base_.slim}},
    slim_layers={{_base_.slim_layers}})

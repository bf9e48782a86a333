# CIFAR-10-C, WRN-40-2: AdvStyle-Zhong + SLIM (image-level for segmentation, here on feature statistics).
# Method: configs/_base_/methods/advstyle_zhong.py; adversary: configs/_base_/methods/placement_wrn.py.
_base_ = ['./wrn40_2_erm.py', '../_base_/methods/advstyle_zhong.py',
          '../_base_/methods/placement_wrn.py']
model = dict(
    _delete_=True,
    type='SLIMAdvStyle',
    model={{_base_.model}},
    adversary={{_base_.zhong_adversary}},
    slim={{_base_.zhong_slim}})

# Office-Home leave-one-domain-out, target Real World, ResNet-50: AdvStyle-Zhong + SLIM (image-level for segmentation, here on feature statistics).
# Method: configs/_base_/methods/advstyle_zhong.py; adversary: configs/_base_/methods/placement_resnet_cls.py.
_base_ = ['./resnet50_lodo_real_world_erm.py', '../_base_/methods/advstyle_zhong.py',
          '../_base_/methods/placement_resnet_cls.py']
model = dict(
    _delete_=True,
    type='SLIMAdvStyle',
    model={{_base_.model}},
    adversary={{_base_.zhong_adversary}},
    slim={{_base_.zhong_slim}})

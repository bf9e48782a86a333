# AdvStyle-Zhong on ../models/resnet18_cls.py (./advstyle-zhong.py; adversary and SLIM: ./placement_resnet_cls.py).
_base_ = ['../models/resnet18_cls.py', './advstyle-zhong.py', './placement_resnet_cls.py']
model = dict(_delete_=True, type='SLIMAdvStyle', model={{_base_.model}}, adversary={{_base_.zhong_adversary}},
             slim=None)

# AdvStyle-Zhong + SLIM on ../models/wrn40_2_cls.py (./advstyle-zhong.py; adversary and SLIM: ./placement_wrn.py).
_base_ = ['../models/wrn40_2_cls.py', './advstyle-zhong.py', './placement_wrn.py']
model = dict(_delete_=True, type='SLIMAdvStyle', model={{_base_.model}}, adversary={{_base_.zhong_adversary}},
             slim={{_base_.zhong_slim}})

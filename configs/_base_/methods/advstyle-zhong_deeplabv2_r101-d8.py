# AdvStyle-Zhong on ../models/deeplabv2_r101.py, image level.
_base_ = ['../models/deeplabv2_r101.py', './advstyle-zhong.py']
model = dict(_delete_=True, type='SLIMAdvStyle', model={{_base_.model}},
    adversary=dict(positions=['input'], steps=1, step_size=0.1, rule='sign'), slim=None)
# SLIMAdvStyle's default step size, not a value from the paper; tune it on GTA5 val only.
custom_hooks = [dict(type='PretrainedWeightsHook'),
                dict(type='SLIMAdvStyleHook', log_interval=50, vis_interval=2000)]

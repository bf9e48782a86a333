# AdvStyle-Zhong on ../models/deeplabv3_r18hw.py, image level.
_base_ = ['../models/deeplabv3_r18hw.py', '../slim_advstyle_runtime.py']
model = dict(_delete_=True, type='SLIMAdvStyle', model={{_base_.model}},
    # step_size is in units of the normalised image's channel statistics (std ~ 1); fixed a
    # priori, not tuned on any target domain.
    adversary=dict(positions=['input'], steps=1, step_size=0.2, rule='sign'), slim=None)

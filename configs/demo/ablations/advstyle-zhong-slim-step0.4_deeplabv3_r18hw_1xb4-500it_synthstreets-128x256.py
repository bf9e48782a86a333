# AdvStyle-Zhong + SLIM with twice the demo's step size (0.4), paired with advstyle-zhong-step0.4.
_base_ = ['../advstyle-zhong-slim_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py']
model = dict(adversary=dict(step_size=0.4))

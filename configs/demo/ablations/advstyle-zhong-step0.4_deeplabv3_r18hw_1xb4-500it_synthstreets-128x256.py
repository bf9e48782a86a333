# AdvStyle-Zhong with twice the demo's step size (0.4), paired with advstyle-zhong-slim-step0.4: SLIM
# is motivated by over-perturbation, which a stronger adversary makes more likely.
_base_ = ['../advstyle-zhong_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py']
model = dict(adversary=dict(step_size=0.4))

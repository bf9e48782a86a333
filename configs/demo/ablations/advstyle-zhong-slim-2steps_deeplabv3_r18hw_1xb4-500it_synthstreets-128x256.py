# AdvStyle-Zhong + SLIM with two ascent steps of half the size (2 x 0.1), so that the SLIM term also
# acts from a point the task loss chose, not only from the random start.
_base_ = ['../advstyle-zhong-slim_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py']
model = dict(adversary=dict(steps=2, step_size=0.1))

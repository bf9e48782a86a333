# AdvStyle-Zhong with a uniform random start of half-width 0.05 and no SLIM term: separates the
# random start's effect from SLIM's (the SLIM-strength investigation).
_base_ = ['../advstyle-zhong_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py']
model = dict(adversary=dict(random_start=0.05))

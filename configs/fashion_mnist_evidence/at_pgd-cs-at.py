# Evidence protocol, short schedule: PGD-CS AT (the SLIM paper's Table 1): the attack ascends
# 1 - cos(f(x), f(x_adv)) on the last stage, training descends CE(f(x_adv), y).
_base_ = ['./_short.py']
model = dict(objective=dict(type='PGDCS', layer='backbone.layer3'))

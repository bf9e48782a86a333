# Evidence protocol, short schedule: TRADES (beta 6; the attack ascends the KL, PGD-10 of 0.025).
_base_ = ['./_short.py']
model = dict(objective=dict(_delete_=True, type='TRADES', beta=6.0))

# Evidence protocol, short schedule: natural training (the small CNN classifier alone, no attack).
_base_ = ['./_short.py']
model = {{_base_.natural_model}}

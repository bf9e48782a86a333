# Ablation (issue #3 investigation): AdvStyle with the uniform random start (half-width 0.05) that
# SLIM-AdvStyle uses by default, and no SLIM term. Separates the random start's effect from SLIM's.
_base_ = ['../advstyle_deeplabv3_r18hw_synthstreets.py']
model = dict(adversary=dict(random_start=0.05))

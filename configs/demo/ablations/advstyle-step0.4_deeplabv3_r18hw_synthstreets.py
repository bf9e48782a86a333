# Ablation (issue #3 investigation): AdvStyle with twice the demo's step size (0.4 instead of 0.2),
# paired with slim-advstyle-step0.4: SLIM is motivated by over-perturbation, which a stronger
# adversary makes more likely.
_base_ = ['../advstyle_deeplabv3_r18hw_synthstreets.py']
model = dict(adversary=dict(step_size=0.4))

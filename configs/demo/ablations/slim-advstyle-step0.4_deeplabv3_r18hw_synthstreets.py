# Ablation (issue #3 investigation): SLIM-AdvStyle with twice the demo's step size (0.4), paired
# with advstyle-step0.4.
_base_ = ['../slim-advstyle_deeplabv3_r18hw_synthstreets.py']
model = dict(adversary=dict(step_size=0.4))

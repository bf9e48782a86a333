# Ablation (issue #3 investigation): SLIM-AdvStyle whose inner loop normalises with BatchNorm's
# running statistics (evaluation behaviour) instead of the adversarial batch's own statistics.
_base_ = ['../slim-advstyle_deeplabv3_r18hw_synthstreets.py']
model = dict(adversary=dict(norm_mode='running'))

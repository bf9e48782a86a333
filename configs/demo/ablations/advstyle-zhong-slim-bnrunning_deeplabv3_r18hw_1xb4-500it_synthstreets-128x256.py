# AdvStyle-Zhong + SLIM whose inner loop normalises with BatchNorm's running statistics (evaluation
# behaviour) instead of the adversarial batch's own statistics.
_base_ = ['../advstyle-zhong-slim_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py']
model = dict(adversary=dict(norm_mode='running'))

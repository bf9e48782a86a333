# AdvStyle-Zhong + SLIM on ../models/deeplabv2_r101.py: each ascent also draws a stage, a dictionary loss and lambda ~ U(-1, 1).
_base_ = ['./advstyle-zhong_deeplabv2_r101-d8.py']
model = dict(slim=dict(_delete_=True, layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4'],
                  losses=['mse', 'ortho', 'reverse'], lambda_range=(-1.0, 1.0)))

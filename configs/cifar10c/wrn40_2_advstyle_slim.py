# CIFAR-10-C, feature-level AdvStyle + SLIM over the three WRN stages.
_base_ = ['./wrn40_2_advstyle.py']
model = dict(
    slim=dict(
        layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3'],
        losses=['mse', 'ortho', 'reverse'],
        lambda_range=(-1.0, 1.0)))

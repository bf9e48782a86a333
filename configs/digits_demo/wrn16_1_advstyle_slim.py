# Embedded demo, AdvStyle-Zhong + SLIM: each step draws a layer, a dictionary loss and a
# weight lambda, and adds lambda * loss(clean feature, adversarial feature) to the ascent.
_base_ = ['./wrn16_1_advstyle.py']
model = dict(
    slim=dict(
        layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3'],
        losses=['mse', 'ortho', 'reverse'],
        lambda_range=(-1.0, 1.0)))

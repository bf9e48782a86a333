# Feature-level AdvStyle + SLIM: each step draws a candidate layer, a dictionary loss and a
# weight lambda in [-1, 1] for the inner ascent.
_base_ = ['./resnet18_lodo_art_painting_advstyle.py']
model = dict(
    slim=dict(
        layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3'],
        losses=['mse', 'ortho', 'reverse'],
        lambda_range=(-1.0, 1.0)))

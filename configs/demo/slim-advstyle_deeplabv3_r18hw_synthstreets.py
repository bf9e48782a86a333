# SLIM-AdvStyle on the CPU demo: AdvStyle plus, at each adversarial generation, a loss on a randomly
# drawn backbone stage, drawn from {mse, ortho, reverse}, weighted by lambda ~ U(-1, 1).
_base_ = ['./advstyle_deeplabv3_r18hw_synthstreets.py']
model = dict(
    slim=dict(
        _delete_=True,
        layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4'],
        losses=['mse', 'ortho', 'reverse'],
        lambda_range=(-1.0, 1.0)))

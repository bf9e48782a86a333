# AdvStyle-Zhong + SLIM drawing its layer from the two shallow stages only (layer1, layer2), where
# style information lives, instead of all four.
_base_ = ['../advstyle-zhong-slim_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py']
model = dict(slim=dict(layers=['backbone.layer1', 'backbone.layer2']))

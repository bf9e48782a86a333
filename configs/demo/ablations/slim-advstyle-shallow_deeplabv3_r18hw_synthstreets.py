# Ablation (issue #3 investigation): SLIM-AdvStyle drawing its layer from the two shallow stages only
# (layer1, layer2), where style information lives, instead of all four.
_base_ = ['../slim-advstyle_deeplabv3_r18hw_synthstreets.py']
model = dict(slim=dict(layers=['backbone.layer1', 'backbone.layer2']))

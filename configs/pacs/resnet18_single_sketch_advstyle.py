# Feature-level AdvStyle: per-channel mean/std after the stem and layer1-2 of the ResNet ascended
# by one signed step (the SLIM paper does not give the feature-level positions or step size
# for PACS; these are our choice).
_base_ = ['./resnet18_single_sketch_erm.py']
model = dict(
    _delete_=True,
    type='SLIMAdvStyle',
    model={{_base_.model}},
    adversary=dict(
        positions=['backbone.maxpool', 'backbone.layer1', 'backbone.layer2'],
        steps=1,
        step_size=0.1,
        rule='sign'))  # no slim: plain AdvStyle

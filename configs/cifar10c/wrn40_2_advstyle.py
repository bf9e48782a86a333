# CIFAR-10-C, feature-level AdvStyle: per-channel mean/std after the stem and the first two
# stages of WRN-40-2 ascended by one signed step (positions and step size are our choice: the
# SLIM paper does not list them for CIFAR-10-C).
_base_ = ['./wrn40_2_erm.py']
model = dict(
    _delete_=True,
    type='SLIMAdvStyle',
    model={{_base_.model}},
    adversary=dict(
        positions=['backbone.conv1', 'backbone.layer1', 'backbone.layer2'],
        steps=1,
        step_size=0.1,
        rule='sign'))  # no slim: plain AdvStyle

# Embedded demo, AdvStyle-Zhong (Zhong et al. 2022's style ascent; not ASA): style statistics after the
# stem and the first two stages ascended by one signed step. The step size is a choice, not tuned on the targets.
_base_ = ['./wrn16_1_erm.py']
model = dict(
    _delete_=True,
    type='SLIMAdvStyle',
    model={{_base_.model}},
    adversary=dict(
        positions=['backbone.conv1', 'backbone.layer1', 'backbone.layer2'],
        steps=1,
        step_size=0.1,
        rule='sign'))  # no slim: plain AdvStyle

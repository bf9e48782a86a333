# AdvStyle on the CPU demo: the ERM config's segmentor, wrapped so that every step also trains on an
# adversarial-style copy of the batch (image-level mean/std, one signed ascent step).
_base_ = ['./erm_deeplabv3_r18hw_synthstreets.py', '../_base_/slim_advstyle_runtime.py']
model = dict(
    _delete_=True,
    type='SLIMAdvStyle',
    model={{_base_.model}},
    # step_size is in units of the normalised image's channel statistics (std ~ 1); fixed a priori,
    # not tuned on any target domain.
    adversary=dict(positions=['input'], steps=1, step_size=0.2, rule='sign'),
    slim=None)

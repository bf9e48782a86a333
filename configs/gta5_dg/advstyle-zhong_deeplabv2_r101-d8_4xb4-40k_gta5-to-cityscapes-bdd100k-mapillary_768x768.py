# AdvStyle-Zhong (Zhong et al., NeurIPS 2022), image level: the per-image channel mean and std of the
# (normalised) input are ascended by one signed step of the segmentation loss, and the model
# trains on the clean and the adversarially restyled batch. The step size is SLIMAdvStyle's
# default, not a value from the paper; tune it on GTA5 val only.
_base_ = ['./erm_deeplabv2_r101-d8_4xb4-40k_gta5-to-cityscapes-bdd100k-mapillary_768x768.py']
model = dict(
    _delete_=True,
    type='SLIMAdvStyle',
    model={{_base_.model}},
    adversary=dict(positions=['input'], steps=1, step_size=0.1, rule='sign'),
    slim=None)
# Under --launcher pytorch: one gradient all-reduce per step over both backward passes.
model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')
custom_hooks = [
    dict(type='PretrainedWeightsHook'),
    dict(type='SLIMAdvStyleHook', log_interval=50, vis_interval=2000),
]

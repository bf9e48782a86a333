# AdvStyle-Zhong: Zhong et al. (NeurIPS 2022) adversarial style augmentation, one signed ascent step
# on per-sample style statistics, trained on clean + adversarial batches (SLIMAdvStyle wrapper,
# slim_mmseg/core/adversarial_style.py). Image level (positions=['input']) for segmentation; the
# classification settings apply it to feature statistics. The setting's placement file gives
# zhong_adversary (positions, step) and zhong_slim (the "+ SLIM" row's layers and dictionary).
model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')

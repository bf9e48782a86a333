# ERM baseline: DeepLab v2 (ASPP-L classifier) on ResNet-101, output stride 8, trained on GTA5 (train split) with
# cross-entropy only; GTA5 val selects checkpoints; Cityscapes, BDD100K and Mapillary are
# evaluated at the end. 4 GPUs x 4 images (batch 16), 768x768 crops, 40k iterations, SGD 0.01
# poly: RobustNet's protocol (see configs/_base_/datasets/gta5_to_cityscapes_bdd100k_mapillary.py
# and configs/_base_/schedules/schedule_40k.py for sources).
_base_ = [
    '../_base_/models/deeplabv2_r101.py',
    '../_base_/datasets/gta5_to_cityscapes_bdd100k_mapillary.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_40k.py',
]
crop_size = (768, 768)
model = dict(data_preprocessor=dict(size=crop_size))
# GPU runs at a fixed crop: let cuDNN pick its fastest kernels.
env_cfg = dict(cudnn_benchmark=True)

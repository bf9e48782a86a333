# GTA5 (train split) -> Cityscapes, BDD100K, Mapillary: RobustNet's protocol, 4 GPUs x 4 images,
# 768x768 crops, 40k iterations, SGD 0.01 poly; GTA5 val selects checkpoints (sources: the
# dataset and schedule bases).
_base_ = ['../datasets/gta5_to_cityscapes_bdd100k_mapillary.py', '../default_runtime.py',
          '../schedules/schedule_40k.py']
crop_size = (768, 768)
# GPU runs at a fixed crop: let cuDNN pick its fastest kernels.
env_cfg = dict(cudnn_benchmark=True)

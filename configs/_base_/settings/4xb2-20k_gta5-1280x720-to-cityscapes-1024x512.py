# DSU's GTA5 protocol (lixiaotong97/DSU semantic-segmentation/configs/deeplabv2_r101_src.yaml):
# whole GTA5 frames at 1280x720, 4 GPUs x 2 images (batch 8), SGD 5e-4 (head x10), poly 0.9
# over 31,250 iterations stopped at 20,000; the last checkpoint is tested on Cityscapes val at
# 1024x512 (and BDD100K, Mapillary: ours). Deviations: the bases and docs/model_zoo.md.
# On one GPU keep the batch of 8: --cfg-options train_dataloader.batch_size=8
_base_ = ['../datasets/gta5_1280x720_to_cityscapes_1024x512.py', '../default_runtime.py',
          '../schedules/schedule_20k_of_poly_31250.py']
env_cfg = dict(cudnn_benchmark=True)

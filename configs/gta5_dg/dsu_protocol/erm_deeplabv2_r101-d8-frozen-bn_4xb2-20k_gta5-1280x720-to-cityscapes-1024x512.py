# ERM (source only) in DSU's GTA5 protocol: DeepLab v2 R101 with frozen BN on whole GTA5 frames
# at 1280x720, 4 GPUs x 2 images (batch 8), SGD 5e-4 (head x10), poly 0.9 over 31,250 iterations
# stopped at 20,000; the last checkpoint is tested on Cityscapes val at 1024x512 (and on BDD100K and
# Mapillary, our addition). DSU's source-only config: semantic-segmentation/configs/
# deeplabv2_r101_src.yaml. Sources and our deviations: the three _base_ files and docs/model_zoo.md.
# On one GPU keep the batch of 8: --cfg-options train_dataloader.batch_size=8
_base_ = [
    '../../_base_/models/deeplabv2_r101_frozen_bn.py',
    '../../_base_/datasets/gta5_1280x720_to_cityscapes_1024x512.py',
    '../../_base_/default_runtime.py',
    '../../_base_/schedules/schedule_20k_of_poly_31250.py',
]
# Every training batch is 1280x720; the padding size only matters for odd-sized inputs.
model = dict(data_preprocessor=dict(size=(720, 1280)))
env_cfg = dict(cudnn_benchmark=True)

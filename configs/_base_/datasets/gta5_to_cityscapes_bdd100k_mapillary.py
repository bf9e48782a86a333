# GTA5 (source) -> Cityscapes, BDD100K, Mapillary Vistas (unseen targets), the synthetic-to-real
# domain-generalisation protocol of RobustNet (CVPR 2021) that AdvStyle and SLIM report on.
# Folder layouts and the commands that prepare them: data/README.md.
#
# Training: GTA5 official train split; random rescale of the 1914x1052 frames by 0.5-2.0, 768x768
# random crop, horizontal flip, photometric distortion (RobustNet: scale 0.5-2.0, crop 768, flip,
# colour jitter + Gaussian blur; mmseg's PhotoMetricDistortion stands in for the jitter/blur).
# Validation during training: GTA5 official val split (held out from training), the only data
# that selects checkpoints. Targets: evaluated once at the end (tools/evaluate_targets.py or
# tools/test.py), each at its released resolution (Cityscapes 2048x1024, BDD100K 1280x720) and
# Mapillary at shorter side 1024 (prepared by tools/convert_datasets/mapillary.py).
crop_size = (768, 768)
# `domain` travels from each dataset to MultiDomainIoUMetric through the data samples.
meta_keys = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape', 'scale_factor',
             'flip', 'flip_direction', 'reduce_zero_label', 'domain')
# GTA5 labels hold Cityscapes label ids: LoadGTA5Annotations maps them to the 19 train ids.
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadGTA5Annotations'),
    dict(type='RandomResize', scale=(1914, 1052), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
source_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadGTA5Annotations'),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
# Target labels are train ids already (prepared by tools/convert_datasets/*). Also the pipeline of
# any new image: mmseg.apis.inference_model and MMSegInferencer read the top-level `test_pipeline`
# and drop its LoadAnnotations.
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
gta5_train = dict(
    type='GTA5Dataset',
    data_root='data/gta5',
    data_prefix=dict(img_path='images', seg_map_path='labels'),
    ann_file='splits/train.txt',
    domain='gta5',
    pipeline=train_pipeline)
gta5_val = dict(
    type='GTA5Dataset',
    data_root='data/gta5',
    data_prefix=dict(img_path='images', seg_map_path='labels'),
    ann_file='splits/val.txt',
    domain='gta5',
    pipeline=source_test_pipeline)
cityscapes_val = dict(
    type='CityscapesDomainDataset',
    data_root='data/cityscapes',
    data_prefix=dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val'),
    domain='cityscapes',
    pipeline=test_pipeline)
bdd100k_val = dict(
    type='BDD100KDomainDataset',
    data_root='data/bdd100k',
    data_prefix=dict(img_path='images/10k/val', seg_map_path='labels/sem_seg/masks/val'),
    domain='bdd100k',
    pipeline=test_pipeline)
mapillary_val = dict(
    type='MapillaryCityscapesDataset',
    data_root='data/mapillary/cityscapes19',
    data_prefix=dict(img_path='validation/images', seg_map_path='validation/labels'),
    domain='mapillary',
    pipeline=test_pipeline)

train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=gta5_train)
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=gta5_val)
# Target sizes differ (and vary within Mapillary), so targets are tested one image per batch.
test_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    # MultiDomainDataset: a ConcatDataset that also carries the single-image pipeline mmseg's
    # MMSegInferencer reads from test_dataloader.dataset.pipeline.
    dataset=dict(type='MultiDomainDataset', datasets=[cityscapes_val, bdd100k_val, mapillary_val],
                 pipeline=test_pipeline))
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
# Per target mIoU, their unweighted mean (target_mean/mIoU) and per-class IoU per target.
test_evaluator = dict(
    type='MultiDomainIoUMetric',
    target_domains=['cityscapes', 'bdd100k', 'mapillary'],
    per_class=True,
    iou_metrics=['mIoU'])

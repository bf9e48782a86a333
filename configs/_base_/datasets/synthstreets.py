# SynthStreets (python tools/make_synthstreets.py --out data/synthstreets): train on the GTA5-layout
# source, validate/test on source-val plus every style-shifted target (Cityscapes layout), each tagged
# with its domain for MultiDomainIoUMetric. Only source_val/mIoU selects checkpoints.
data_root = 'data/synthstreets'
crop_size = (128, 256)
target_domains = ['overcast', 'foggy', 'dusk']
# `domain` travels from each dataset to MultiDomainIoUMetric through the data samples.
meta_keys = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape', 'scale_factor', 'flip',
             'flip_direction', 'reduce_zero_label', 'domain')
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadGTA5Annotations'),
    dict(type='RandomResize', scale=(256, 128), ratio_range=(0.75, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
source_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadGTA5Annotations'),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
# Cityscapes-layout targets (train-id labels), and any new image: mmseg.apis.inference_model and
# MMSegInferencer read the top-level `test_pipeline` and drop its LoadAnnotations.
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
source_train = dict(
    type='GTA5Dataset',
    data_root=data_root + '/gta5',
    ann_file='splits/train.txt',
    pipeline=train_pipeline)
source_val = dict(
    type='GTA5Dataset',
    data_root=data_root + '/gta5',
    ann_file='splits/val.txt',
    domain='source_val',
    pipeline=source_test_pipeline)
target_vals = [
    dict(type='CityscapesDomainDataset',
         data_root=f'{data_root}/{name}',
         data_prefix=dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val'),
         domain=name,
         pipeline=test_pipeline) for name in target_domains
]
train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=source_train)
val_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    # MultiDomainDataset: a ConcatDataset that also carries the single-image pipeline mmseg's
    # MMSegInferencer reads from test_dataloader.dataset.pipeline.
    dataset=dict(type='MultiDomainDataset', datasets=[source_val] + target_vals, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='MultiDomainIoUMetric', target_domains=target_domains)
test_evaluator = dict(type='MultiDomainIoUMetric', target_domains=target_domains, per_class=True)

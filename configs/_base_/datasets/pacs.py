# PACS with the official k-fold splits (see slim_mmseg/datasets/pacs.py for the layout).
# Experiment configs set the domains: sources train on 'train' and are validated (model selection)
# on their 'crossval' splits; held-out domains are tested on 'test' (all their images).
# Augmentation follows DomainBed's (random resized crop of 70-100% of the area, flip, colour
# jitter, 10% grayscale; the colour jitter is mmseg's PhotoMetricDistortion); the SLIM paper does
# not list its PACS augmentation.
dataset_type = 'PACSDataset'
data_root = 'data/PACS'
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', size=224, scale=(0.7, 1.0)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='RandomGrayscale', prob=0.1),
    dict(type='PackClsInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='PackClsInputs'),
]
train_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, split='crossval',
                 pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, split='test', pipeline=test_pipeline))
# The experiment configs list the averaged domains (target_domains) of both evaluators.
val_evaluator = dict(type='MultiDomainAccuracy', mean_name='source_val_mean')
test_evaluator = dict(type='MultiDomainAccuracy', mean_name='target_mean')

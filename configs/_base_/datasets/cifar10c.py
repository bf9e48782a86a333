# Train on CIFAR-10 (python-pickle batches), test on CIFAR-10 test ('clean') + CIFAR-10-C
# (the 15 corruptions x 5 severities of the released .npy files, fed unchanged). No validation
# split is used for selection: the last checkpoint is tested; the clean test accuracy is only
# monitored during training. Augmentation: AugMix's standard one (flip, 4-pixel padded crop).
cifar10_root = 'data/cifar-10-batches-py'
cifar10c_root = 'data/CIFAR-10-C'
train_pipeline = [
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomPaddedCrop', padding=4),
    dict(type='PackClsInputs'),
]
test_pipeline = [dict(type='PackClsInputs')]
train_dataloader = dict(
    batch_size=128,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='CIFAR10Dataset', data_root=cifar10_root, split='train',
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=500,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='CIFAR10Dataset', data_root=cifar10_root, split='test',
                 pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=500,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='ConcatDataset',
        datasets=[
            dict(type='CIFAR10Dataset', data_root=cifar10_root, split='test',
                 pipeline=test_pipeline),
            dict(type='CIFAR10CDataset', data_root=cifar10c_root, pipeline=test_pipeline),
        ]))
val_evaluator = dict(type='MultiDomainAccuracy')  # clean/accuracy
test_evaluator = dict(type='CorruptionAccuracy')

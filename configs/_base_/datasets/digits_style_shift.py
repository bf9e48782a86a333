# The embedded demo: scikit-learn digits as the source, style-shifted renderings of held-out
# digits as targets (slim_mmseg/datasets/digits_style_shift.py). Model selection on the source
# validation digits only; the targets are seen at test time only.
target_domains = ['colour', 'texture', 'noise', 'blur', 'contrast']
# The 8x8 scans upscaled twice: enough for the digits and the backgrounds, cheap on a CPU.
image_size = 16
train_pipeline = [
    dict(type='RandomPaddedCrop', padding=1),
    dict(type='PackClsInputs'),
]
test_pipeline = [dict(type='PackClsInputs')]
train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='DigitsStyleShiftDataset', domains=['source'], split='train', image_size=image_size,
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=256,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='DigitsStyleShiftDataset', domains=['source'], split='val', image_size=image_size,
                 pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=256,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='DigitsStyleShiftDataset', domains=['source'] + target_domains,
                 split='test', image_size=image_size, pipeline=test_pipeline))
val_evaluator = dict(type='MultiDomainAccuracy', target_domains=['source'],
                     mean_name='source_val_mean')
test_evaluator = dict(type='MultiDomainAccuracy', target_domains=target_domains,
                      mean_name='target_mean')

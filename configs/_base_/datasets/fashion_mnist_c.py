# Single-source DG on Fashion-MNIST -> Fashion-MNIST-C (tools/make_fashion_mnist_c.py writes
# data/fashion_mnist_c): train on the 55000 training images outside the held-out split, select the
# checkpoint on the 5000 held-out ones (source_val, never a test image), test on the clean test set
# and its 15 corruptions x 5 severities (accuracy per corruption and severity, and the mean over
# corruptions, the CIFAR-10-C convention). No augmentation; batch 128.
fashion_mnist_root = '/usr/share/datasets/fashion-mnist'
fashion_mnist_c_root = 'data/fashion_mnist_c'
pipeline = [dict(type='PackClsInputs')]
train_dataloader = dict(
    batch_size=128,
    num_workers=0,  # the images are in memory; worker processes would only compete for the cores
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='FashionMNISTSplitDataset', part='train', split_root=fashion_mnist_c_root,
                 data_root=fashion_mnist_root, pipeline=pipeline))
# Validation and test: in order, 500 images a batch.
evaluation_loader = dict(batch_size=500, num_workers=0, persistent_workers=False,
                         sampler=dict(type='DefaultSampler', shuffle=False))
val_dataloader = dict(
    **evaluation_loader,
    dataset=dict(type='FashionMNISTSplitDataset', part='source_val', split_root=fashion_mnist_c_root,
                 data_root=fashion_mnist_root, pipeline=pipeline))
test_dataloader = dict(
    **evaluation_loader,
    dataset=dict(
        type='ConcatDataset',
        datasets=[
            dict(type='FashionMNISTDataset', data_root=fashion_mnist_root, split='test',
                 pipeline=pipeline),
            dict(type='FashionMNISTCDataset', data_root=fashion_mnist_c_root, pipeline=pipeline),
        ]))
val_evaluator = dict(type='MultiDomainAccuracy', target_domains=['source_val'], mean_name='source_val_mean')
test_evaluator = dict(
    type='CorruptionAccuracy',
    expected_corruptions=['gaussian_noise', 'shot_noise', 'impulse_noise', 'defocus_blur', 'glass_blur',
                          'motion_blur', 'zoom_blur', 'snow', 'fog', 'rain', 'brightness', 'contrast',
                          'elastic_transform', 'pixelate', 'jpeg_compression'])

# CIFAR-10 for adversarial training, the SLIM paper's setting: batch 64, no augmentation; images
# stay in [0, 1] (the preprocessor only divides by 255; see the model files). Test: CIFAR-10 test,
# clean and PGD-20 accuracy (eps 8/255, step 2/255, uniform start; AdversarialTestLoop).
cifar10_root = 'data/cifar-10-batches-py'
train_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='CIFAR10Dataset', data_root=cifar10_root, split='train',
                 pipeline=[dict(type='PackClsInputs')]))
test_dataloader = dict(
    batch_size=500,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='CIFAR10Dataset', data_root=cifar10_root, split='test',
                 pipeline=[dict(type='PackClsInputs')]))
test_cfg = dict(type='AdversarialTestLoop', attack=dict(eps=8 / 255, steps=20, step_size=2 / 255))
test_evaluator = dict(type='AdversarialAccuracy', attack_name='pgd20')

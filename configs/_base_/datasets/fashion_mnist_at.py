# Fashion-MNIST (Debian's dataset-fashion-mnist files; see slim_mmseg/datasets/fashion_mnist.py)
# for the CPU adversarial-training demo: the full 60000 training images, no augmentation, batch
# 128; test on the 10000 test images, clean and PGD-20 (eps 0.1, step 0.0125 = 2.5 eps / 20, Madry
# et al.'s rule, uniform start) accuracy.
fashion_mnist_root = '/usr/share/datasets/fashion-mnist'
train_dataloader = dict(
    batch_size=128,
    num_workers=0,  # the images are in memory; worker processes would only compete for the cores
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='FashionMNISTDataset', data_root=fashion_mnist_root, split='train',
                 pipeline=[dict(type='PackClsInputs')]))
test_dataloader = dict(
    batch_size=500,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='FashionMNISTDataset', data_root=fashion_mnist_root, split='test',
                 pipeline=[dict(type='PackClsInputs')]))
test_cfg = dict(type='AdversarialTestLoop', attack=dict(eps=0.1, steps=20, step_size=0.0125))
test_evaluator = dict(type='AdversarialAccuracy', attack_name='pgd20')

# The evidence protocol's long schedule (docs/evidence.md): the short schedule's model, data and attack
# for `epochs` epochs at a constant 0.05 with a step decay (x0.1 at half and at three quarters, Rice et
# al. 2020's shape), PGD-20 accuracy on the first 1000 held-out source-val images after every epoch
# selects the best checkpoint; best and last are both tested.
_base_ = ['./_short.py']
epochs = 12
param_scheduler = [dict(type='MultiStepLR', milestones=[epochs // 2, epochs * 3 // 4], gamma=0.1,
                        by_epoch=True)]
train_cfg = dict(max_epochs=epochs, val_interval=1)
val_dataloader = dict(
    _delete_=True,
    batch_size=500,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='FashionMNISTSplitDataset', part='source_val', num_samples=1000,
                 split_root='data/fashion_mnist_c', data_root='/usr/share/datasets/fashion-mnist',
                 pipeline=[dict(type='PackClsInputs')]))
val_cfg = dict(_delete_=True, type='AdversarialValLoop', attack=dict(eps=0.1, steps=20, step_size=0.0125))
val_evaluator = dict(_delete_=True, type='AdversarialAccuracy', attack_name='pgd20')
default_hooks = dict(checkpoint=dict(interval=1, max_keep_ckpts=1, save_best='pgd20/accuracy', rule='greater'))

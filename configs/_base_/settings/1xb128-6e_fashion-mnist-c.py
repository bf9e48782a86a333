# Fashion-MNIST -> Fashion-MNIST-C: Adam 1e-3 with a cosine to 0 over 6 epochs of the 55000 source images
# (our CPU recipe; the paper's CIFAR-10-C recipe is Adam 2e-4, batch 64, cosine, 120 epochs), validation
# on source_val after every epoch, the best source_val checkpoint tested.
_base_ = ['../datasets/fashion_mnist_c.py', '../cls_runtime.py']
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=6, eta_min=0.0, by_epoch=True,
                        convert_to_iter_based=True)]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=6, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=1, max_keep_ckpts=1, save_best='source_val_mean/accuracy', rule='greater'))

# The evidence protocol's short schedule (docs/evidence.md): the Fashion-MNIST AT demo's small CNN and
# attack (eps 0.1, PGD-10 of 0.025, uniform start), trained on the 55000 training images outside
# Fashion-MNIST-C's held-out source-val split (tools/make_fashion_mnist_c.py), SGD 0.05 momentum 0.9
# wd 5e-4, batch 128, a cosine to 0 over `epochs`; a checkpoint every epoch (a sweep resumes from it);
# the last checkpoint tested on all 10000 test images, clean and PGD-20 (eps 0.1, step 0.0125).
_base_ = ['../fashion_mnist_at/smallcnn_pgd-at.py']
epochs = 4
slim_stages = dict(scale='mean')  # merged into the base's SLIM setting; rows override the scale
fashion_mnist_c_root = 'data/fashion_mnist_c'
train_dataloader = dict(
    dataset=dict(_delete_=True, type='FashionMNISTSplitDataset', part='train', split_root=fashion_mnist_c_root,
                 data_root='/usr/share/datasets/fashion-mnist', pipeline=[dict(type='PackClsInputs')]))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=epochs, eta_min=0.0, by_epoch=True,
                        convert_to_iter_based=True)]
train_cfg = dict(max_epochs=epochs)
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=1, max_keep_ckpts=1))

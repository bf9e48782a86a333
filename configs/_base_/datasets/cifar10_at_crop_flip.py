# The anchors' CIFAR-10 training (TRADES train_trades_cifar10.py, MART train_resnet.py, AWP
# AT_AWP/train_cifar10.py): batch 128, 4-pixel padded random crop and horizontal flip.
_base_ = ['./cifar10_at.py']
train_dataloader = dict(
    batch_size=128,
    dataset=dict(pipeline=[
        dict(type='RandomFlip', prob=0.5),
        dict(type='RandomPaddedCrop', padding=4),
        dict(type='PackClsInputs'),
    ]))

# WRN-34-10 as yaodongyu/TRADES models/wideresnet.py (pre-activation; its unused sub_block1 left
# out), Kaiming-normal fan-out initialisation as there; inputs in [0, 1] without normalisation.
_base_ = ['./resnet18_at.py']
model = dict(model=dict(
    backbone=dict(_delete_=True, type='WideResNet', depth=34, widen_factor=10, drop_rate=0.0),
    in_channels=640))
slim_stages = dict(layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3'])

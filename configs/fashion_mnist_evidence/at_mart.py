# Evidence protocol, short schedule: MART (beta 5, as configs/cifar10_at/resnet18_mart_anchor.py after
# YisenWang/MART train_resnet.py), the protocol's attack and schedule.
_base_ = ['./_short.py']
model = dict(objective=dict(_delete_=True, type='MART', beta=5.0))

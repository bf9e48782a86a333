# PACS leave-one-domain-out, target art_painting, ResNet-50 ERM: the ResNet-18
# config of this target with the backbone of ../_base_/models/resnet50_cls.py.
_base_ = ['./resnet18_lodo_art_painting_erm.py']
model = dict(
    backbone=dict(depth=50, init_cfg=dict(checkpoint='torchvision://resnet50')),
    in_channels=2048)

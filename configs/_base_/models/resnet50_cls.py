# ResNet-50 image classifier, ImageNet-pretrained (torchvision V1 weights); see resnet18_cls.py.
_base_ = ['./resnet18_cls.py']
model = dict(
    backbone=dict(depth=50, init_cfg=dict(checkpoint='torchvision://resnet50')),
    in_channels=2048)

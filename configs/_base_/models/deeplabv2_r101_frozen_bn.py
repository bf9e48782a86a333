# DeepLab v2 on ResNet-101 as DSU's semantic-segmentation code trains it on GTA5
# (lixiaotong97/DSU, semantic-segmentation/; the FADA code base), for the GTA5 protocol of
# configs/gta5_dg/dsu_protocol/. Sourced there:
# - backbone: torchvision ResNet-101 (7x7 stem), ImageNet weights
#   (configs/deeplabv2_r101_src.yaml MODEL.WEIGHTS .../resnet101-5d3b4d8f.pth), layer3/layer4
#   dilated 2/4 instead of strided (core/models/feature_extractor.py:
#   replace_stride_with_dilation=[False, True, True]; mmseg's contract_dilation=True gives the
#   same per-block dilations as torchvision's), output stride 8;
# - frozen BatchNorm: statistics and affine parameters fixed (yaml FREEZE_BN: True ->
#   core/models/layers.py FrozenBatchNorm2d): here BN in eval mode with requires_grad=False;
# - head: ASPP classifier, four 3x3 convolutions with dilation 6/12/18/24 summed
#   (core/models/classifier.py ASPP_Classifier_V2, weights N(0, 0.01)), logits upsampled
#   bilinearly with align_corners=True to the label size for the loss (train_src.py) and to the
#   original image for testing (test.py);
# - loss: cross-entropy averaged over the non-ignored pixels (torch CrossEntropyLoss with
#   ignore_index=255), hence avg_non_ignore=True (mmseg's default averages over every pixel).
# mmengine resolves torchvision://resnet101 to resnet101-63fe2227.pth, torchvision's name for its
# ImageNet-1k V1 weights since torchvision 0.13; DSU's 5d3b4d8f is the pre-0.13 file of the V1
# weights (we did not compare the two files).
_base_ = ['./deeplabv2_r101.py']
model = dict(
    backbone=dict(
        type='ResNet',
        norm_cfg=dict(type='BN', requires_grad=False),
        norm_eval=True,
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet101')),
    decode_head=dict(
        align_corners=True,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0,
                         avg_non_ignore=True)))

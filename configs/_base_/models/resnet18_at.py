# ResNet-18 as YisenWang/MART resnet.py (post-activation, 3x3 stride-1 stem), adversarially
# trained with AdversarialTraining. Inputs stay in [0, 1] with no normalisation, as MART and TRADES
# feed transforms.ToTensor() images. The objective, attack step and SLIM are set per config.
classifier = dict(
    type='ImageClassifier',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.],
                           bgr_to_rgb=False),
    backbone=dict(type='CIFARResNet', blocks=(2, 2, 2, 2)),
    in_channels=512,
    num_classes=10)
model = dict(
    type='AdversarialTraining',
    model=classifier,
    objective=dict(type='PGDAT'),
    attack=dict(eps=8 / 255, step_size=2 / 255, steps=10))  # slim and awp: None (off) unless a config sets them
# SLIM over the four stage outputs, the paper's loss dictionary and lambda ~ U(-1, 1).
slim_stages = dict(layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4'],
                   losses=['mse', 'ortho', 'reverse'], lambda_range=(-1.0, 1.0))
# Natural training (no attack): the classifier alone replaces the wrapper (model = {{_base_.natural_model}}).
natural_model = dict(_delete_=True, **classifier)

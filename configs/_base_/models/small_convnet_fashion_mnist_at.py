# Three conv-BN-ReLU stages (16, 32, 64 channels, stride 2 each) on 28x28 grey images in [0, 1],
# normalised inside with Fashion-MNIST's training mean and std (0.2860, 0.3530). Training attack:
# eps 0.1, 10 steps of 0.025 (eps / 4); SLIM draws among the three stages.
classifier = dict(
    type='ImageClassifier',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[0.], std=[255.]),
    backbone=dict(type='SmallConvNet', channels=(16, 32, 64), strides=(2, 2, 2), in_channels=1),
    in_channels=64,
    num_classes=10,
    input_mean=[0.2860],
    input_std=[0.3530])
model = dict(
    type='AdversarialTraining',
    model=classifier,
    objective=dict(type='PGDAT'),
    attack=dict(eps=0.1, step_size=0.025, steps=10))  # slim and awp: None (off) unless a config sets them
slim_stages = dict(layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer3'],
                   losses=['mse', 'ortho', 'reverse'], lambda_range=(-1.0, 1.0))
# Natural training (no attack): the classifier alone replaces the wrapper (model = {{_base_.natural_model}}).
natural_model = dict(_delete_=True, **classifier)

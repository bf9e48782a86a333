"""A tiny CIFAR ResNet classifier config (blocks (1, 1, 1, 1), base width 4, 4 classes) for the
adversarial-training tests."""


def classifier_cfg(normalise=True):
    """``normalise``: the model normalises its [0, 1] input inside (mean 0.5, std 0.25), as the
    CIFAR recipes do; ``False``: no normalisation inside."""
    cfg = dict(type='ImageClassifier', num_classes=4, in_channels=32,
               backbone=dict(type='CIFARResNet', blocks=(1, 1, 1, 1), base_width=4),
               data_preprocessor=dict(type='ImgDataPreprocessor', mean=[0.] * 3, std=[255.] * 3))
    if normalise:
        cfg.update(input_mean=[0.5] * 3, input_std=[0.25] * 3)
    return cfg

"""OpenMMLab adapters: importing this package registers its classes in mmseg's registries."""
from .pretrained_weights_hook import PretrainedWeightsHook  # noqa: F401

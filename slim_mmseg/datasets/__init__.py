"""OpenMMLab adapters: importing this package registers its classes in mmseg's registries."""
from . import cifar10, cifar10c, digits_style_shift, pacs, transforms  # noqa: F401

"""OpenMMLab adapters: importing this package registers its classes in mmseg's registries."""
from . import corruption_accuracy, multi_domain_accuracy  # noqa: F401

"""OpenMMLab adapters: importing this package registers its classes in mmseg's registries."""
from . import adversarial_accuracy, corruption_accuracy, multi_domain_accuracy  # noqa: F401
from . import multi_domain_iou_metric, robust_accuracy  # noqa: F401

from .cifar_resnet import CIFARResNet
from .preact_resnet import PreActResNet
from .wide_resnet import WideResNet

__all__ = ['CIFARResNet', 'PreActResNet', 'WideResNet']

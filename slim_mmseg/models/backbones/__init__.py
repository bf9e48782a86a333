from .cifar_resnet import CIFARResNet
from .preact_resnet import PreActResNet
from .small_convnet import SmallConvNet
from .wide_resnet import WideResNet

__all__ = ['CIFARResNet', 'PreActResNet', 'SmallConvNet', 'WideResNet']

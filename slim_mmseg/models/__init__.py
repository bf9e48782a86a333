"""OpenMMLab adapters: importing this package registers its classes in mmseg's registries."""
from . import decode_heads  # noqa: F401
from . import backbones, classifiers, torchvision_checkpoints  # noqa: F401
from .adversarial_training import AdversarialTraining
from .adversarial_wrapper import AdversarialWrapper, network_of
from .slim_advstyle import SLIMAdvStyle
from .slim_ddp import SLIMDistributedDataParallel
from .style_augmented import StyleAugmented

__all__ = ['AdversarialTraining', 'AdversarialWrapper', 'network_of', 'SLIMAdvStyle', 'SLIMDistributedDataParallel', 'StyleAugmented']

from .pack_cls_inputs import PackClsInputs
from .random_padded_crop import RandomPaddedCrop
from .random_resized_crop import RandomResizedCrop

__all__ = ['PackClsInputs', 'RandomPaddedCrop', 'RandomResizedCrop']

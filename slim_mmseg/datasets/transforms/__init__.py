from .load_gta5_annotations import LoadGTA5Annotations
from .pack_cls_inputs import PackClsInputs
from .random_padded_crop import RandomPaddedCrop
from .random_resized_crop import RandomResizedCrop

__all__ = ['LoadGTA5Annotations', 'PackClsInputs', 'RandomPaddedCrop', 'RandomResizedCrop']

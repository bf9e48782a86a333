"""Cityscapes-layout datasets (Cityscapes itself, SynthStreets targets) tagged with a domain name."""
from mmseg.datasets import CityscapesDataset
from mmseg.registry import DATASETS

from .domain_tag import DomainTagMixin
from .missing_data import SYNTHSTREETS_HINT, DataFolderCheckMixin

CITYSCAPES_HINT = ('Real Cityscapes: unpack leftImg8bit_trainvaltest.zip and gtFine_trainvaltest.zip from '
                   'https://www.cityscapes-dataset.com into <data_root> and create the train-id maps with '
                   '`csCreateTrainIdLabelImgs` (cityscapesscripts). ' + SYNTHSTREETS_HINT + '.')


@DATASETS.register_module()
class CityscapesDomainDataset(DataFolderCheckMixin, DomainTagMixin, CityscapesDataset):
    """mmseg's CityscapesDataset (``*_leftImg8bit.png`` + ``*_gtFine_labelTrainIds.png``, train ids) that

    - accepts ``domain='<name>'`` and puts it into every sample (see DomainTagMixin), and
    - fails with the expected path and how to create it when a folder is missing, holds no images
      or lacks label maps (:class:`.DataFolderCheckMixin`), instead of silently evaluating on an
      empty set.
    """
    DATA_NAME = 'Cityscapes-layout'
    DATA_HINT = CITYSCAPES_HINT

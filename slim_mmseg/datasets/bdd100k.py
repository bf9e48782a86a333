"""BDD100K's 19-class semantic segmentation, tagged with a domain name.

mmseg's ``BDD100KDataset`` already reads the current release layout (``images/10k/<split>/*.jpg``,
``labels/sem_seg/masks/<split>/*.png`` train ids) with Cityscapes' class names and order; this
adds the ``domain`` tag that multi-target evaluation groups by, and an error naming the expected
folder and the preparing command instead of an empty dataset.
"""
from mmseg.datasets import BDD100KDataset
from mmseg.registry import DATASETS

from .domain_tag import DomainTagMixin
from .missing_data import DataFolderCheckMixin

BDD100K_HINT = ('Download bdd100k_images_10k.zip and bdd100k_sem_seg_labels_trainval.zip from '
                'https://bdd-data.berkeley.edu and run `python tools/convert_datasets/bdd100k.py '
                '<extracted folder> --out data/bdd100k` (see data/README.md).')


@DATASETS.register_module()
class BDD100KDomainDataset(DataFolderCheckMixin, DomainTagMixin, BDD100KDataset):
    """``BDD100KDataset`` accepting ``domain='<name>'`` (see :class:`.DomainTagMixin`), with the
    folder check of :class:`.DataFolderCheckMixin`."""
    DATA_NAME = 'BDD100K'
    DATA_HINT = BDD100K_HINT

"""BDD100K's 19-class semantic segmentation, tagged with a domain name.

mmseg's ``BDD100KDataset`` already reads the current release layout (``images/10k/<split>/*.jpg``,
``labels/sem_seg/masks/<split>/*.png`` train ids) with Cityscapes' class names and order; this
adds the ``domain`` tag that multi-target evaluation groups by, and an error naming the expected
folder and the preparing command instead of an empty dataset.
"""
import os.path as osp
from typing import List

from mmseg.datasets import BDD100KDataset
from mmseg.registry import DATASETS

from .domain_tag import DomainTagMixin
from .missing_data import require_dir

BDD100K_HINT = ('Download bdd100k_images_10k.zip and bdd100k_sem_seg_labels_trainval.zip from '
                'https://bdd-data.berkeley.edu and run `python tools/convert_datasets/bdd100k.py '
                '<extracted folder> --out data/bdd100k` (see data/README.md).')


@DATASETS.register_module()
class BDD100KDomainDataset(DomainTagMixin, BDD100KDataset):
    """``BDD100KDataset`` accepting ``domain='<name>'`` (see :class:`.DomainTagMixin`)."""

    def load_data_list(self) -> List[dict]:
        require_dir(self.data_prefix['img_path'], 'BDD100K image folder', BDD100K_HINT)
        require_dir(self.data_prefix['seg_map_path'], 'BDD100K mask folder', BDD100K_HINT)
        data_list = super().load_data_list()
        if not data_list:
            raise FileNotFoundError(f'no *{self.img_suffix} images under '
                                    f'{osp.abspath(self.data_prefix["img_path"])}. {BDD100K_HINT}')
        return data_list

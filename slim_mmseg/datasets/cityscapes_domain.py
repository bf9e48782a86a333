"""Cityscapes-layout datasets (Cityscapes itself, SynthStreets targets) tagged with a domain name."""
import os.path as osp
from typing import List

from mmseg.datasets import CityscapesDataset
from mmseg.registry import DATASETS

from .domain_tag import DomainTagMixin
from .missing_data import SYNTHSTREETS_HINT, require_dir

CITYSCAPES_HINT = ('Real Cityscapes: unpack leftImg8bit_trainvaltest.zip and gtFine_trainvaltest.zip from '
                   'https://www.cityscapes-dataset.com into <data_root> and create the train-id maps with '
                   '`csCreateTrainIdLabelImgs` (cityscapesscripts). ' + SYNTHSTREETS_HINT + '.')


@DATASETS.register_module()
class CityscapesDomainDataset(DomainTagMixin, CityscapesDataset):
    """mmseg's CityscapesDataset (``*_leftImg8bit.png`` + ``*_gtFine_labelTrainIds.png``, train ids) that

    - accepts ``domain='<name>'`` and puts it into every sample (see DomainTagMixin), and
    - fails with the expected path and how to create it when a folder is missing or holds no images,
      instead of silently evaluating on an empty set.
    """

    def load_data_list(self) -> List[dict]:
        require_dir(self.data_prefix['img_path'], 'Cityscapes-layout image folder', CITYSCAPES_HINT)
        require_dir(self.data_prefix['seg_map_path'], 'Cityscapes-layout label folder', CITYSCAPES_HINT)
        data_list = super().load_data_list()
        if not data_list:
            raise FileNotFoundError(f'no *{self.img_suffix} images under '
                                    f'{osp.abspath(self.data_prefix["img_path"])}. {CITYSCAPES_HINT}')
        return data_list

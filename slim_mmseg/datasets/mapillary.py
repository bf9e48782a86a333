"""Mapillary Vistas v1.2 validation images with labels mapped to the 19 Cityscapes classes.

mmseg's ``MapillaryDataset_v1`` evaluates Mapillary's own 66 classes; a GTA5-trained model
predicts Cityscapes' 19, so the DG protocol maps the labels first
(``tools/convert_datasets/mapillary.py``, table in :mod:`.mapillary_labels`) and this dataset reads
the result with Cityscapes' class names and palette, in Cityscapes' class order: per-class IoUs
line up across all targets.
"""
from mmseg.datasets import BaseSegDataset, CityscapesDataset
from mmseg.registry import DATASETS

from .domain_tag import DomainTagMixin
from .missing_data import DataFolderCheckMixin

MAPILLARY_HINT = ('Download Mapillary Vistas v1.2 from https://www.mapillary.com/dataset/vistas, '
                  'extract it to data/mapillary and run `python tools/convert_datasets/mapillary.py '
                  'data/mapillary` (see data/README.md).')


@DATASETS.register_module()
class MapillaryCityscapesDataset(DataFolderCheckMixin, DomainTagMixin, BaseSegDataset):
    """``<data_root>/<img_path>/<key>.jpg`` with ``<data_root>/<seg_map_path>/<key>.png`` train ids
    (0..18, 255 ignored), as written by ``tools/convert_datasets/mapillary.py``; accepts
    ``domain='<name>'`` (see :class:`.DomainTagMixin`)."""

    METAINFO = CityscapesDataset.METAINFO
    DATA_NAME = 'Mapillary (Cityscapes classes)'
    DATA_HINT = MAPILLARY_HINT

    def __init__(self, img_suffix='.jpg', seg_map_suffix='.png', **kwargs):
        super().__init__(img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, **kwargs)

"""GTA5 (Richter et al., 2016) in its released layout: ``images/*.png`` and ``labels/*.png``."""
from collections import Counter
from typing import Optional

from mmcv.transforms import LoadAnnotations as MMCVLoadAnnotations
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from .cityscapes_labels import TRAIN_CLASSES, TRAIN_PALETTE
from .domain_tag import DomainTagMixin
from .missing_data import SYNTHSTREETS_HINT, DataFolderCheckMixin
from .transforms.load_gta5_annotations import LoadGTA5Annotations

GTA5_HINT = ('Real GTA5: download images and labels from https://download.visinf.tu-darmstadt.de/data/'
             'from_games/ and unpack them so that <data_root>/images and <data_root>/labels exist. '
             + SYNTHSTREETS_HINT + ' (its GTA5-layout source domain is data/synthstreets/gta5).')


@DATASETS.register_module()
class GTA5Dataset(DataFolderCheckMixin, DomainTagMixin, BaseSegDataset):
    """GTA5 with the 19 Cityscapes classes; label files hold Cityscapes LABEL ids (road=7, car=26, ...).

    The pipeline must load annotations with ``LoadGTA5Annotations``, which maps label ids to train ids
    on the fly (everything outside the 19 classes -> 255; values that are not label ids are also counted
    and reported). mmseg's ``label_map`` mechanism does not fit: it is derived from renaming classes, it
    rewrites only the ids it lists (unknown values would pass through as bogus class ids), costs one
    full-image comparison per id, and a non-None label_map would make GTA5's metainfo differ from the
    Cityscapes-layout targets it is concatenated with for evaluation. Using plain ``LoadAnnotations``
    with this dataset is refused, since it would silently train on label ids as if they were train ids.

    Args:
        ann_file: optional split list (one file stem per line, e.g. ``00001``), relative to data_root.
        domain: optional domain name put into every sample (see DomainTagMixin).
        Other arguments as BaseSegDataset; the defaults match the released layout.
    """
    METAINFO = dict(classes=TRAIN_CLASSES, palette=[list(c) for c in TRAIN_PALETTE])
    DATA_NAME = 'GTA5'
    DATA_HINT = GTA5_HINT

    def __init__(self, img_suffix: str = '.png', seg_map_suffix: str = '.png',
                 data_prefix: dict = dict(img_path='images', seg_map_path='labels'), **kwargs) -> None:
        if kwargs.get('reduce_zero_label'):
            raise ValueError('GTA5Dataset: reduce_zero_label does not apply; label id 0 (unlabeled) already '
                             'maps to 255 through the Cityscapes label table.')
        super().__init__(img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, data_prefix=data_prefix,
                         **kwargs)
        loaders = [t for t in self.pipeline.transforms if isinstance(t, MMCVLoadAnnotations)]
        if loaders:
            raise ValueError(
                f'GTA5Dataset labels hold Cityscapes label ids; {type(loaders[0]).__name__} would use them '
                f'as train ids. Use dict(type="LoadGTA5Annotations") in the pipeline instead.')

    @property
    def unknown_label_pixels(self) -> Optional[Counter]:
        """Pixels per non-label-id value seen so far by this process' LoadGTA5Annotations (None if absent)."""
        for transform in self.pipeline.transforms:
            if isinstance(transform, LoadGTA5Annotations):
                return transform.unknown_label_pixels
        return None

"""VLCS (Fang, Xu & Rockmore, ICCV 2013): Caltech101, LabelMe, SUN09 and VOC2007 as four domains
of five shared classes, in DomainBed's layout (see ``domainbed_folders.py`` for the split)::

    <data_root>/{Caltech101,LabelMe,SUN09,VOC2007}/{bird,car,chair,dog,person}/<image>.jpg

Domain and class folder names: facebookresearch/DomainBed ``domainbed/misc/vlcs_files.txt``
(10,729 images); ``domainbed/datasets.py`` ``VLCS.ENVIRONMENTS = ["C", "L", "S", "V"]``.
"""
from mmseg.registry import DATASETS

from .domainbed_folders import DomainBedImageFolderDataset

VLCS_DOMAINS = ('Caltech101', 'LabelMe', 'SUN09', 'VOC2007')
VLCS_CLASSES = ('bird', 'car', 'chair', 'dog', 'person')


@DATASETS.register_module()
class VLCSDataset(DomainBedImageFolderDataset):
    """VLCS domains; each sample has ``img_path``, ``gt_label`` (0..4) and ``domain``.
    Arguments: :class:`DomainBedImageFolderDataset`."""

    METAINFO = dict(classes=VLCS_CLASSES, domains=VLCS_DOMAINS)
    DOWNLOAD_HINT = ('Get VLCS.tar.gz as DomainBed does (domainbed/scripts/download.py, '
                     'download_vlcs: https://drive.google.com/uc?id=1skwblH1_okBwxWxmRsp9_qi15hyPpxg8) '
                     'and extract it so that data_root holds Caltech101/ LabelMe/ SUN09/ VOC2007/; '
                     'see docs/classification.md.')

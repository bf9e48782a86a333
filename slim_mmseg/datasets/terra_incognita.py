"""TerraIncognita (Beery, Van Horn & Perona, ECCV 2018; Caltech Camera Traps): camera-trap
images of four locations as four domains, ten classes, in DomainBed's layout (see
``domainbed_folders.py`` for the split)::

    <data_root>/{location_100,location_38,location_43,location_46}/<class>/<image>.jpg

DomainBed builds it (``domainbed/scripts/download.py``, ``download_terra_incognita``) from the
ECCV'18 release (``eccv_18_all_images_sm.tar.gz`` + ``eccv_18_annotations.tar.gz`` on LILA):
``include_locations = ["38", "46", "100", "43"]``, ``include_categories = ["bird", "bobcat",
"cat", "coyote", "dog", "empty", "opossum", "rabbit", "raccoon", "squirrel"]``, one folder
``location_<n>/<category>/`` per pair; ``domainbed/datasets.py``:
``TerraIncognita.ENVIRONMENTS = ["L100", "L38", "L43", "L46"]`` (the sorted folder names).
"""
from mmseg.registry import DATASETS

from .domainbed_folders import DomainBedImageFolderDataset

TERRA_INCOGNITA_DOMAINS = ('location_100', 'location_38', 'location_43', 'location_46')
TERRA_INCOGNITA_CLASSES = ('bird', 'bobcat', 'cat', 'coyote', 'dog', 'empty', 'opossum',
                           'rabbit', 'raccoon', 'squirrel')


@DATASETS.register_module()
class TerraIncognitaDataset(DomainBedImageFolderDataset):
    """TerraIncognita locations; each sample has ``img_path``, ``gt_label`` (0..9) and
    ``domain``. Arguments: :class:`DomainBedImageFolderDataset`."""

    METAINFO = dict(classes=TERRA_INCOGNITA_CLASSES, domains=TERRA_INCOGNITA_DOMAINS)
    DOWNLOAD_HINT = ('Build it with DomainBed: python -m domainbed.scripts.download '
                     '--data_dir <dir> (download_terra_incognita, from '
                     'https://lila.science/datasets/caltech-camera-traps) and use '
                     '<dir>/terra_incognita as data_root, so that it holds location_100/ '
                     'location_38/ location_43/ location_46/; see docs/classification.md.')

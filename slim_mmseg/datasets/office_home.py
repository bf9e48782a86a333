"""Office-Home (Venkateswara et al., CVPR 2017): Art, Clipart, Product and Real World photos of
65 office and home objects, in DomainBed's layout (see ``domainbed_folders.py`` for the split)::

    <data_root>/{Art,Clipart,Product,Real World}/<class>/<image>.jpg

DomainBed (``domainbed/scripts/download.py``, ``download_office_home``) renames the released
``OfficeHomeDataset_10072016`` folder to ``office_home``; ``domainbed/datasets.py``:
``OfficeHome.ENVIRONMENTS = ["A", "C", "P", "R"]``. The class folder names are the release's;
they are listed here in ``sorted()`` order (upper case first: ``TV`` before ``Table``), which is
the label order ``ImageFolder`` gives them.
"""
from mmseg.registry import DATASETS

from .domainbed_folders import DomainBedImageFolderDataset

OFFICE_HOME_DOMAINS = ('Art', 'Clipart', 'Product', 'Real World')
OFFICE_HOME_CLASSES = tuple(sorted((
    'Alarm_Clock', 'Backpack', 'Batteries', 'Bed', 'Bike', 'Bottle', 'Bucket', 'Calculator',
    'Calendar', 'Candles', 'Chair', 'Clipboards', 'Computer', 'Couch', 'Curtains', 'Desk_Lamp',
    'Drill', 'Eraser', 'Exit_Sign', 'Fan', 'File_Cabinet', 'Flipflops', 'Flowers', 'Folder',
    'Fork', 'Glasses', 'Hammer', 'Helmet', 'Kettle', 'Keyboard', 'Knives', 'Lamp_Shade',
    'Laptop', 'Marker', 'Monitor', 'Mop', 'Mouse', 'Mug', 'Notebook', 'Oven', 'Pan',
    'Paper_Clip', 'Pen', 'Pencil', 'Postit_Notes', 'Printer', 'Push_Pin', 'Radio',
    'Refrigerator', 'Ruler', 'Scissors', 'Screwdriver', 'Shelf', 'Sink', 'Sneakers', 'Soda',
    'Speaker', 'Spoon', 'TV', 'Table', 'Telephone', 'ToothBrush', 'Toys', 'Trash_Can',
    'Webcam')))


@DATASETS.register_module()
class OfficeHomeDataset(DomainBedImageFolderDataset):
    """Office-Home domains; each sample has ``img_path``, ``gt_label`` (0..64) and ``domain``.
    Arguments: :class:`DomainBedImageFolderDataset`."""

    METAINFO = dict(classes=OFFICE_HOME_CLASSES, domains=OFFICE_HOME_DOMAINS)
    DOWNLOAD_HINT = ('Get Office-Home (http://hemanthdv.org/OfficeHome-Dataset/, or DomainBed\'s '
                     'domainbed/scripts/download.py, download_office_home), extract it and use '
                     'the OfficeHomeDataset_10072016 folder (DomainBed renames it office_home) '
                     'as data_root, so that it holds Art/ Clipart/ Product/ "Real World"/; see '
                     'docs/classification.md.')

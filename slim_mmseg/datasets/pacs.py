"""PACS (Li et al., ICCV 2017) with its official k-fold split files.

On-disk layout (the official release)::

    <data_root>/kfold/<domain>/<class>/<image>.jpg|png
    <data_root>/splits/<domain>_train_kfold.txt
    <data_root>/splits/<domain>_crossval_kfold.txt
    <data_root>/splits/<domain>_test_kfold.txt

Each split line is ``<domain>/<class>/<image> <label>`` with the image path relative to ``kfold/``
and labels 1..7 in the order dog, elephant, giraffe, guitar, horse, house, person. The
``*_test_kfold.txt`` file of a domain lists every image of that domain, which is why a held-out
target domain is read through split ``'test'``; sources train on ``'train'`` and are selected on
``'crossval'``, so no target image enters model selection.
"""
import os.path as osp
from typing import List, Sequence

from mmseg.registry import DATASETS

from .domain_classification import DomainClassificationDataset

PACS_DOMAINS = ('art_painting', 'cartoon', 'photo', 'sketch')
PACS_CLASSES = ('dog', 'elephant', 'giraffe', 'guitar', 'horse', 'house', 'person')
PACS_SPLITS = ('train', 'crossval', 'test')


@DATASETS.register_module()
class PACSDataset(DomainClassificationDataset):
    """The images of ``domains`` listed in their ``split`` files; each sample has ``img_path``,
    ``gt_label`` (0..6) and ``domain``.

    Args:
        domains: PACS domains to read (a subset of art_painting, cartoon, photo, sketch).
        split: 'train', 'crossval' or 'test' (the latter: every image of the domain).
        image_dir / split_dir: folders under ``data_root`` (official names by default).
        skip_corrupt_images, **kwargs: see :class:`DomainClassificationDataset`.
    """

    METAINFO = dict(classes=PACS_CLASSES, domains=PACS_DOMAINS)

    def __init__(self,
                 domains: Sequence[str],
                 split: str,
                 image_dir: str = 'kfold',
                 split_dir: str = 'splits',
                 **kwargs):
        if split not in PACS_SPLITS:
            raise ValueError(f"Unknown PACS split '{split}'; valid: {PACS_SPLITS}")
        self.split = split
        self.image_dir = image_dir
        self.split_dir = split_dir
        super().__init__(domains, **kwargs)

    def split_file(self, domain: str) -> str:
        return osp.join(self.data_root, self.split_dir, f'{domain}_{self.split}_kfold.txt')

    def load_data_list(self) -> List[dict]:
        # Every missing split file is named at once, before any is read.
        missing = [path for path in map(self.split_file, self.domains) if not osp.isfile(path)]
        if missing:
            raise FileNotFoundError(
                f'Missing PACS split files: {missing}. Place the official split files '
                f'(<domain>_{{train,crossval,test}}_kfold.txt) in '
                f'{osp.join(self.data_root, self.split_dir)}')
        return super().load_data_list()

    def load_domain(self, domain: str) -> List[dict]:
        samples = self.parse_split_file(domain, self.split_file(domain))
        missing_images = [info['img_path'] for info in samples
                          if not osp.isfile(info['img_path'])]
        if missing_images:
            raise FileNotFoundError(
                f'{len(missing_images)} images listed in the PACS split files are missing, '
                f'e.g. {missing_images[:5]}; expected under '
                f'{osp.join(self.data_root, self.image_dir)}/<domain>/<class>/')
        return samples

    def parse_split_file(self, domain: str, split_file: str) -> List[dict]:
        samples = []
        with open(split_file) as lines:
            for line_number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                fields = line.split()
                where = f'{split_file}:{line_number}'
                if len(fields) != 2 or not fields[1].isdigit():
                    raise ValueError(f"{where}: expected '<domain>/<class>/<image> <label>', "
                                     f'got {line.strip()!r}')
                relative_path, label = fields[0], int(fields[1])
                parts = relative_path.split('/')
                if not 1 <= label <= len(PACS_CLASSES):
                    raise ValueError(f'{where}: label {label} outside 1..{len(PACS_CLASSES)}')
                if parts[0] != domain or len(parts) < 3 or \
                        parts[1] != PACS_CLASSES[label - 1]:
                    raise ValueError(
                        f"{where}: '{relative_path}' with label {label} does not match "
                        f"'{domain}/{PACS_CLASSES[label - 1]}/<image>'")
                samples.append(dict(
                    img_path=osp.join(self.data_root, self.image_dir, relative_path),
                    gt_label=label - 1))
        return samples

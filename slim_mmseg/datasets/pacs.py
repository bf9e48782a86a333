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
import warnings
from typing import List, Sequence

import mmcv
from mmengine import fileio
from mmengine.dataset import BaseDataset
from mmseg.registry import DATASETS

PACS_DOMAINS = ('art_painting', 'cartoon', 'photo', 'sketch')
PACS_CLASSES = ('dog', 'elephant', 'giraffe', 'guitar', 'horse', 'house', 'person')
PACS_SPLITS = ('train', 'crossval', 'test')


@DATASETS.register_module()
class PACSDataset(BaseDataset):
    """The images of ``domains`` listed in their ``split`` files; each sample has ``img_path``,
    ``gt_label`` (0..6) and ``domain``.

    Args:
        domains: PACS domains to read (a subset of art_painting, cartoon, photo, sketch).
        split: 'train', 'crossval' or 'test' (the latter: every image of the domain).
        image_dir / split_dir: folders under ``data_root`` (official names by default).
        skip_corrupt_images: if True, every listed image is decoded while the dataset is built,
            undecodable ones are dropped with a warning naming each path, and their paths are
            kept in ``skipped_images``; if False (default) a corrupt image fails when loaded,
            naming its path.
    """

    METAINFO = dict(classes=PACS_CLASSES, domains=PACS_DOMAINS)

    def __init__(self,
                 domains: Sequence[str],
                 split: str,
                 image_dir: str = 'kfold',
                 split_dir: str = 'splits',
                 skip_corrupt_images: bool = False,
                 **kwargs):
        if isinstance(domains, str):
            domains = [domains]
        unknown = [d for d in domains if d not in PACS_DOMAINS]
        if unknown or not domains:
            raise ValueError(f'Unknown PACS domains {unknown or domains}; valid: {PACS_DOMAINS}')
        if split not in PACS_SPLITS:
            raise ValueError(f"Unknown PACS split '{split}'; valid: {PACS_SPLITS}")
        self.domains = tuple(domains)
        self.split = split
        self.image_dir = image_dir
        self.split_dir = split_dir
        self.skip_corrupt_images = skip_corrupt_images
        self.skipped_images: List[str] = []
        super().__init__(**kwargs)

    def split_file(self, domain: str) -> str:
        return osp.join(self.data_root, self.split_dir, f'{domain}_{self.split}_kfold.txt')

    def load_data_list(self) -> List[dict]:
        split_files = [self.split_file(domain) for domain in self.domains]
        missing = [path for path in split_files if not osp.isfile(path)]
        if missing:
            raise FileNotFoundError(
                f'Missing PACS split files: {missing}. Place the official split files '
                f'(<domain>_{{train,crossval,test}}_kfold.txt) in '
                f'{osp.join(self.data_root, self.split_dir)}')
        data_list = []
        for domain, split_file in zip(self.domains, split_files):
            data_list.extend(self.parse_split_file(domain, split_file))
        missing_images = [info['img_path'] for info in data_list
                          if not osp.isfile(info['img_path'])]
        if missing_images:
            raise FileNotFoundError(
                f'{len(missing_images)} images listed in the PACS split files are missing, '
                f'e.g. {missing_images[:5]}; expected under '
                f'{osp.join(self.data_root, self.image_dir)}/<domain>/<class>/')
        if self.skip_corrupt_images:
            data_list = self.drop_corrupt_images(data_list)
        return data_list

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
                    gt_label=label - 1,
                    domain=domain))
        return samples

    def drop_corrupt_images(self, data_list: List[dict]) -> List[dict]:
        kept = []
        for info in data_list:
            try:
                decoded = mmcv.imfrombytes(fileio.get(info['img_path']))
            except Exception:  # any decoder failure means the file is unusable
                decoded = None
            if decoded is None:
                self.skipped_images.append(info['img_path'])
            else:
                kept.append(info)
        if self.skipped_images:
            warnings.warn(f'PACSDataset skipped {len(self.skipped_images)} corrupt images '
                          f'(skip_corrupt_images=True): {self.skipped_images}')
        return kept

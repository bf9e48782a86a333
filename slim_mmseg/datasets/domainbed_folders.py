"""DomainBed's image-folder datasets (VLCS, OfficeHome, TerraIncognita) and its per-domain
train/validation split, reproduced image for image.

Layout (what ``domainbed/scripts/download.py`` of facebookresearch/DomainBed leaves)::

    <data_root>/<domain>/<class>/**/<image>.jpg|png|...

DomainBed reads each domain folder with torchvision's ``ImageFolder``
(``domainbed/datasets.py``, ``MultipleEnvironmentImageFolder``): class folders sorted by name
give the labels 0..K-1, and the images are ordered class by class, then by ``sorted(os.walk())``
and sorted file name, keeping torchvision's extensions (``IMG_EXTENSIONS``, case-insensitive).
``domainbed/scripts/train.py`` then splits every domain with
``misc.split_dataset(env, int(len(env) * holdout_fraction), misc.seed_hash(trial_seed, env_i))``
(defaults ``--holdout_fraction 0.2``, ``--trial_seed 0``; ``env_i`` is the domain's index among
the sorted domain folders): the indices 0..n-1 are shuffled by ``numpy.random.RandomState(seed)``,
the first ``int(0.2 n)`` form the *out* split (validation), the rest the *in* split (training).
``seed_hash`` is the md5 of ``str(args)`` modulo 2**31. DomainBed's training-domain validation
selects the checkpoint on the sources' *out* splits and reports the target's *in* split
(``domainbed/model_selection.py``, ``IIDAccuracySelectionMethod``).

Here ``split='in'`` / ``'out'`` gives exactly those images (same seed, same order) and
``'all'`` every image of the domain. Labels are indices into the dataset's fixed, sorted class
list, so a domain that lacks a class folder keeps the labels of the others (``ImageFolder``
would renumber); such a gap is warned about, naming the folders. An unknown class folder is an
error (usually ``data_root`` pointing one level too high or too low).
"""
import hashlib
import os
import os.path as osp
import warnings
from typing import List, Sequence, Tuple

import numpy as np

from .domain_classification import DomainClassificationDataset
from .missing_data import require_dir

# torchvision.datasets.folder.IMG_EXTENSIONS, matched on the lower-cased file name.
IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp')
DOMAINBED_SPLITS = ('in', 'out', 'all')


def domainbed_seed(*args) -> int:
    """DomainBed's ``misc.seed_hash``: an integer seed from the text of ``args``."""
    return int(hashlib.md5(str(args).encode('utf-8')).hexdigest(), 16) % (2**31)


def domainbed_holdout(num_samples: int, holdout_fraction: float,
                      seed: int) -> Tuple[List[int], List[int]]:
    """DomainBed's ``misc.split_dataset`` on indices: returns (out, in) index lists, the first
    ``int(num_samples * holdout_fraction)`` shuffled indices and the rest, in shuffled order."""
    keys = list(range(num_samples))
    np.random.RandomState(seed).shuffle(keys)
    num_out = int(num_samples * holdout_fraction)
    return keys[:num_out], keys[num_out:]


def list_image_folder(domain_dir: str, classes: Sequence[str]) -> Tuple[List[dict], List[str]]:
    """Samples of one domain folder in torchvision ``ImageFolder`` order; labels index
    ``classes``. Returns the samples and the class folders that are missing."""
    folders = sorted(entry.name for entry in os.scandir(domain_dir) if entry.is_dir())
    unknown = [name for name in folders if name not in classes]
    if unknown:
        raise ValueError(f'{domain_dir} holds folders that are not classes of this dataset: '
                         f'{unknown}; expected <domain>/<class>/ with classes {list(classes)}. '
                         'Is data_root the folder that holds the domain folders?')
    samples = []
    for class_name in folders:
        label = classes.index(class_name)
        for root, _, file_names in sorted(os.walk(osp.join(domain_dir, class_name),
                                                  followlinks=True)):
            samples.extend(dict(img_path=osp.join(root, name), gt_label=label)
                           for name in sorted(file_names)
                           if name.lower().endswith(IMAGE_EXTENSIONS))
    return samples, [name for name in classes if name not in folders]


class DomainBedImageFolderDataset(DomainClassificationDataset):
    """Domains of a DomainBed image-folder dataset, split as DomainBed splits them.

    Subclasses set ``METAINFO = dict(classes=<sorted class folder names>,
    domains=<sorted domain folder names>)`` and ``DOWNLOAD_HINT`` (where to get the data).

    Args:
        domains: domain folder names to read.
        split: 'in' (DomainBed's training part of each domain, 80 % by default), 'out' (the
            held-out 20 %: model selection) or 'all'.
        holdout_fraction: DomainBed's ``--holdout_fraction`` (default 0.2, train.py).
        trial_seed: DomainBed's ``--trial_seed`` (default 0), which seeds the split.
        skip_corrupt_images, **kwargs: see :class:`DomainClassificationDataset`.
    """

    DOWNLOAD_HINT = ''

    def __init__(self,
                 domains: Sequence[str],
                 split: str,
                 holdout_fraction: float = 0.2,
                 trial_seed: int = 0,
                 **kwargs):
        if split not in DOMAINBED_SPLITS:
            raise ValueError(f"Unknown split '{split}'; valid: {DOMAINBED_SPLITS} "
                             "(DomainBed's in/out parts of each domain, or all of it)")
        if not 0. <= holdout_fraction < 1.:
            raise ValueError(f'holdout_fraction must be in [0, 1), got {holdout_fraction}')
        self.split = split
        self.holdout_fraction = holdout_fraction
        self.trial_seed = trial_seed
        self.missing_classes = {}
        super().__init__(domains, **kwargs)

    def load_domain(self, domain: str) -> List[dict]:
        domain_dir = osp.join(self.data_root, domain)
        require_dir(domain_dir, f'{type(self).__name__} domain {domain!r}', self.DOWNLOAD_HINT)
        samples, missing = list_image_folder(domain_dir, self.METAINFO['classes'])
        if not samples:
            raise FileNotFoundError(f'No images under {osp.abspath(domain_dir)}/<class>/. '
                                    f'{self.DOWNLOAD_HINT}')
        if missing:
            self.missing_classes[domain] = missing
            warnings.warn(f'{type(self).__name__}: {len(missing)} class folders missing in '
                          f'{domain_dir}: {missing}; the other labels are unchanged')
        if self.split == 'all':
            return samples
        domain_index = self.METAINFO['domains'].index(domain)
        held_out, kept = domainbed_holdout(len(samples), self.holdout_fraction,
                                           domainbed_seed(self.trial_seed, domain_index))
        return [samples[i] for i in (held_out if self.split == 'out' else kept)]

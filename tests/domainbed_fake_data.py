"""Tiny fakes of DomainBed's image-folder datasets (VLCS, OfficeHome, TerraIncognita), in the
layout ``domainbed/scripts/download.py`` leaves: ``<root>/<domain>/<class>/<image>``."""
from pathlib import Path

import mmcv
import numpy as np


def write_fake_domainbed(root, domains, classes, images_per_class=1, size=16, seed=0):
    """``images_per_class`` colour JPEGs per domain and class (file names ``img_<k>.jpg``);
    returns ``root``."""
    rng = np.random.default_rng(seed)
    root = Path(root)
    for domain in domains:
        for class_name in classes:
            for index in range(images_per_class):
                image = rng.integers(0, 256, (size, size + 4, 3), dtype=np.uint8)
                mmcv.imwrite(image, str(root / domain / class_name / f'img_{index}.jpg'))
    return root

"""Shared base of the domain-generalisation classification datasets (PACS, VLCS, OfficeHome,
TerraIncognita): which domains to read, the domain tag on every sample, and optional dropping of
undecodable images.

A subclass sets ``METAINFO = dict(classes=..., domains=...)`` and implements
``load_domain(domain)``, returning that domain's samples as dicts with ``img_path`` and
``gt_label``; the base adds ``domain`` (read by ``MultiDomainAccuracy``, which reports accuracy
per domain) and concatenates the domains in the order given.
"""
import warnings
from typing import List, Sequence

import mmcv
from mmengine import fileio
from mmengine.dataset import BaseDataset


class DomainClassificationDataset(BaseDataset):
    """Args:
        domains: names from ``METAINFO['domains']`` (one name or a list), read in this order.
        skip_corrupt_images: if True, every listed image is decoded while the dataset is built,
            undecodable ones are dropped with a warning naming each path, and their paths are
            kept in ``skipped_images``; if False (default) a corrupt image fails when loaded,
            naming its path.
        **kwargs: :class:`mmengine.dataset.BaseDataset` arguments (``data_root``, ``pipeline``,
            ``indices``, ``test_mode``, ...).
    """

    METAINFO: dict = dict(classes=(), domains=())

    def __init__(self, domains: Sequence[str], skip_corrupt_images: bool = False, **kwargs):
        if isinstance(domains, str):
            domains = [domains]
        valid = self.METAINFO['domains']
        unknown = [d for d in domains if d not in valid]
        if unknown or not domains:
            raise ValueError(f'Unknown {type(self).__name__} domains {unknown or list(domains)}; '
                             f'valid: {valid}')
        self.domains = tuple(domains)
        self.skip_corrupt_images = skip_corrupt_images
        self.skipped_images: List[str] = []
        super().__init__(**kwargs)

    def load_domain(self, domain: str) -> List[dict]:
        raise NotImplementedError(f'{type(self).__name__} must implement load_domain(domain)')

    def load_data_list(self) -> List[dict]:
        data_list = []
        for domain in self.domains:
            samples = self.load_domain(domain)
            for sample in samples:
                sample['domain'] = domain
            data_list.extend(samples)
        if self.skip_corrupt_images:
            data_list = self.drop_corrupt_images(data_list)
        return data_list

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
            warnings.warn(f'{type(self).__name__} skipped {len(self.skipped_images)} corrupt '
                          f'images (skip_corrupt_images=True): {self.skipped_images}')
        return kept

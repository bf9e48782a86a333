"""Errors for missing dataset folders and files that say what was expected and how to create it."""
import os.path as osp
from typing import Iterable, List

# Spelled out rather than imported from slim_mmseg.synthstreets: the generator depends on the
# datasets' label table, not the other way round (tests check the path against its DEFAULT_OUT).
SYNTHSTREETS_HINT = 'For the SynthStreets demo data run: python tools/make_synthstreets.py --out data/synthstreets'


def require_dir(path: str, what: str, hint: str) -> None:
    if not osp.isdir(path):
        raise FileNotFoundError(f'{what} not found: expected the folder {osp.abspath(path)}. {hint}')


def require_file(path: str, what: str, hint: str) -> None:
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} not found: expected the file {osp.abspath(path)}. {hint}')


def require_files(paths: Iterable[str], what: str, hint: str) -> None:
    missing = [p for p in paths if not osp.isfile(p)]
    if missing:
        shown = ', '.join(missing[:5]) + (f' and {len(missing) - 5} more' if len(missing) > 5 else '')
        raise FileNotFoundError(f'{len(missing)} {what} missing: {shown}. {hint}')


class DataFolderCheckMixin:
    """The one check every segmentation dataset of ours runs before it is used.

    mmseg's ``BaseSegDataset.load_data_list`` lists whatever the image folder holds: a wrong
    ``data_root`` gives an empty dataset (and an evaluation over nothing), and a missing label file
    only fails when a worker loads it. Subclasses name the data and how to get it; this raises
    ``FileNotFoundError`` naming the expected folder or files and that hint when

    - the image or label folder, or the split list (``ann_file``, when given), does not exist,
    - the folder holds no image with ``img_suffix``,
    - a listed image or label map does not exist (a split list naming absent files, or images
      without labels).

    Put it first in the bases: ``class MyDataset(DataFolderCheckMixin, DomainTagMixin, BaseSegDataset)``.

    Class attributes:
        DATA_NAME: how the messages call the data, e.g. ``'GTA5'``.
        DATA_HINT: where to download it or which command prepares it.
    """
    DATA_NAME: str
    DATA_HINT: str

    def load_data_list(self) -> List[dict]:
        name, hint = self.DATA_NAME, self.DATA_HINT
        require_dir(self.data_prefix['img_path'], f'{name} image folder', hint)
        require_dir(self.data_prefix['seg_map_path'], f'{name} label folder', hint)
        if self.ann_file:
            require_file(self.ann_file, f'{name} split list (ann_file)', hint)
        data_list = super().load_data_list()
        if not data_list:
            raise FileNotFoundError(f'no *{self.img_suffix} images under '
                                    f'{osp.abspath(self.data_prefix["img_path"])}. {hint}')
        require_files([d['img_path'] for d in data_list], f'{name} images', hint)
        require_files([d['seg_map_path'] for d in data_list], f'{name} label maps', hint)
        return data_list

"""Loading of GTA5 label maps (Cityscapes label ids) as the 19 Cityscapes train ids."""
import warnings
from collections import Counter

import mmcv
import mmengine.fileio as fileio
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from ..cityscapes_labels import label_ids_to_train_ids


class UnknownLabelWarning(UserWarning):
    """A label map holds values that are not Cityscapes label ids; they were mapped to 255."""


@TRANSFORMS.register_module()
class LoadGTA5Annotations(BaseTransform):
    """Load ``seg_map_path`` (a label-id PNG, as GTA5 ships it) and convert it to train ids on the fly.

    Label ids outside the 19 classes become 255 (ignore). Values that are not Cityscapes label ids at all
    also become 255 and are counted in ``unknown_label_pixels`` (value -> pixels) and
    ``files_with_unknown_labels``; an ``UnknownLabelWarning`` with the running totals is issued for the
    first such file and whenever that file count doubles, so a corrupt dataset is reported without
    flooding the log. With dataloader workers each worker process counts (and warns) for its own share.

    A label map whose size differs from its image's original size (``ori_shape``, set by
    LoadImageFromFile, which must run first) raises ValueError naming both files.

    Required keys: seg_map_path, seg_fields; optional: ori_shape, img_path, label_map.
    Added keys: gt_seg_map (uint8 train ids).
    """

    def __init__(self, imdecode_backend: str = 'pillow', backend_args=None):
        self.imdecode_backend = imdecode_backend
        self.backend_args = backend_args
        self.unknown_label_pixels: Counter = Counter()
        self.files_with_unknown_labels = 0

    def transform(self, results: dict) -> dict:
        path = results['seg_map_path']
        label_ids = mmcv.imfrombytes(fileio.get(path, backend_args=self.backend_args), flag='unchanged',
                                     backend=self.imdecode_backend)
        if label_ids.ndim != 2 or label_ids.dtype != np.uint8:
            raise ValueError(f'{path}: expected a single-channel 8-bit label-id map, got shape '
                             f'{label_ids.shape} and dtype {label_ids.dtype}')
        image_shape = results.get('ori_shape')
        if image_shape is not None and tuple(image_shape[:2]) != label_ids.shape:
            raise ValueError(
                f'{path}: label size {label_ids.shape[0]}x{label_ids.shape[1]} (HxW) does not match the '
                f'image {results.get("img_path")} of size {image_shape[0]}x{image_shape[1]}. Remove this '
                f'pair from the split list (ann_file) or resize the label with nearest-neighbour '
                f'interpolation.')
        train_ids, unknown = label_ids_to_train_ids(label_ids)
        if unknown:
            self._count_unknown(path, unknown)
        if results.get('label_map') is not None:
            remapped = train_ids.copy()
            for old_id, new_id in results['label_map'].items():
                remapped[train_ids == old_id] = new_id
            train_ids = remapped
        results['gt_seg_map'] = train_ids
        results['seg_fields'].append('gt_seg_map')
        return results

    def _count_unknown(self, path: str, unknown: dict) -> None:
        self.unknown_label_pixels.update(unknown)
        self.files_with_unknown_labels += 1
        count = self.files_with_unknown_labels
        if count & (count - 1) == 0:
            totals = ', '.join(f'{v}: {n} px' for v, n in sorted(self.unknown_label_pixels.items()))
            warnings.warn(
                f'{count} label map(s) so far held values that are not Cityscapes label ids (latest: '
                f'{path} with {sorted(unknown)}); mapped to 255 (ignored). Totals: {totals}',
                UnknownLabelWarning, stacklevel=2)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(imdecode_backend='{self.imdecode_backend}')"

"""Pack an image and its class label for an image classifier."""
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import BaseDataElement
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PackClsInputs(BaseTransform):
    """Turn ``results`` into ``dict(inputs=CHW uint8 tensor, data_samples=BaseDataElement)``.

    The data sample holds ``gt_label`` (0-d long tensor) when the results have one, and as
    metainfo those of ``meta_keys`` that are present (``domain`` groups the accuracy per domain,
    ``severity`` the CIFAR-10-C table).
    """

    def __init__(self, meta_keys=('img_path', 'domain', 'severity', 'sample_idx', 'ori_shape',
                                  'img_shape')):
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        img = results['img']
        if img.ndim == 2:
            img = img[..., None]
        inputs = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))
        sample = BaseDataElement(
            metainfo={key: results[key] for key in self.meta_keys if key in results})
        if 'gt_label' in results:
            sample.gt_label = torch.as_tensor(results['gt_label'], dtype=torch.long)
        return dict(inputs=inputs, data_samples=sample)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(meta_keys={self.meta_keys})'

"""A segmentation dataset of ours built over prepared files, loading images and labels and packing the
domain tag, as the target-domain test loaders do."""
from mmseg.registry import DATASETS

PIPELINE = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations'),
            dict(type='PackSegInputs', meta_keys=('img_path', 'ori_shape', 'domain'))]


def build_seg_dataset(type, root, img_path, seg_map_path, **kwargs):
    return DATASETS.build(dict(type=type, data_root=str(root),
                               data_prefix=dict(img_path=img_path, seg_map_path=seg_map_path),
                               pipeline=PIPELINE, **kwargs))

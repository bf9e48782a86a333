"""The evaluation sets of several domains, joined, with the pipeline a new image of them gets."""
from typing import List, Optional, Sequence, Union

from mmengine.dataset import BaseDataset, ConcatDataset
from mmseg.registry import DATASETS


@DATASETS.register_module()
class MultiDomainDataset(ConcatDataset):
    """mmengine's ``ConcatDataset`` of domain-tagged datasets plus the single-image ``pipeline``.

    Each member dataset keeps running its own pipeline (GTA5 label ids and Cityscapes train ids
    need different annotation loaders). ``pipeline`` is what an image that belongs to no dataset
    goes through: mmseg's ``MMSegInferencer._init_pipeline`` (mmseg 1.2.2,
    ``mmseg/apis/mmseg_inferencer.py``) builds its pipeline from
    ``cfg.test_dataloader.dataset.pipeline``, dropping ``LoadAnnotations`` and turning
    ``LoadImageFromFile`` into its own loader; a plain ``ConcatDataset`` has no such key, so the
    inferencer failed on every multi-domain test set. The configs pass their top-level
    ``test_pipeline`` (the one ``mmseg.apis.inference_model`` reads).

    Args:
        datasets: member datasets or their configs, as for ``ConcatDataset``.
        pipeline: transform configs for one image; must contain ``LoadImageFromFile`` (the
            inferencer replaces it with its own loader).
        lazy_init, ignore_keys: as for ``ConcatDataset``.
    """

    def __init__(self, datasets: Sequence[Union[BaseDataset, dict]], pipeline: List[dict],
                 lazy_init: bool = False, ignore_keys: Optional[Union[str, List[str]]] = None):
        if not any(isinstance(t, dict) and t.get('type') == 'LoadImageFromFile' for t in pipeline):
            raise ValueError('MultiDomainDataset: pipeline needs a LoadImageFromFile step (mmseg\'s '
                             f'inferencer replaces it with its own loader); got {pipeline!r}')
        self.pipeline_cfg = pipeline
        super().__init__(datasets, lazy_init=lazy_init, ignore_keys=ignore_keys)

"""Image classifier on mmengine: backbone, global average pooling, linear head, cross-entropy.

It follows the interface that mmengine's loops and the ``SLIMAdvStyle`` wrapper rely on:
``forward(inputs, data_samples, mode)`` with modes 'tensor' (logits), 'loss' and 'predict', and
submodules reachable by dotted names (``backbone.layer1``, ``head``).

Data samples are ``mmengine.structures.BaseDataElement`` objects carrying ``gt_label`` (a 0-d long
tensor) and any metainfo of the dataset (e.g. ``domain``); ``predict`` adds ``pred_label`` and
``pred_score`` (softmax probabilities).

Pixel-space attacks (adversarial training, robust evaluation) take their budget in pixel units on
inputs in [0, 1]: the data preprocessor then only scales (``mean=[0] * C, std=[255] * C``) and
``input_mean`` / ``input_std`` normalise inside the model, so that the attacked tensor is the image.
"""
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from mmseg.registry import MODELS


@MODELS.register_module()
class ImageClassifier(BaseModel):
    """Args:
        backbone: config of a backbone returning a tuple of feature maps; the last is classified.
        num_classes: number of classes of the linear head.
        in_channels: channels of the last backbone feature map.
        dropout: dropout probability before the linear head.
        data_preprocessor: e.g. ``dict(type='ImgDataPreprocessor', mean=..., std=...)``.
        input_mean, input_std: per-channel normalisation applied inside the model to its input,
            ``(x - input_mean) / input_std`` (e.g. CIFAR-10's statistics in [0, 1] units when the
            preprocessor maps pixels to [0, 1]); ``None`` (default): no normalisation here.
        init_cfg: mmengine init config of the whole model (the backbone has its own).
    """

    def __init__(self,
                 backbone: dict,
                 num_classes: int,
                 in_channels: int,
                 dropout: float = 0.0,
                 data_preprocessor: Optional[dict] = None,
                 input_mean: Optional[Sequence[float]] = None,
                 input_std: Optional[Sequence[float]] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if (input_mean is None) != (input_std is None):
            raise ValueError('ImageClassifier: give both input_mean and input_std, or neither')
        if input_std is not None and min(input_std) <= 0:
            raise ValueError(f'ImageClassifier: input_std must be positive, got {input_std}')
        # Not persistent: configuration, not learned state (older checkpoints still load).
        for name, values in (('input_mean', input_mean), ('input_std', input_std)):
            self.register_buffer(name, None if values is None else
                                 torch.tensor(values, dtype=torch.float32).view(1, -1, 1, 1),
                                 persistent=False)
        self.backbone = MODELS.build(backbone)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(in_channels, num_classes)
        self.num_classes = num_classes

    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.input_mean is not None:
            inputs = (inputs - self.input_mean) / self.input_std
        feature_map = self.backbone(inputs)[-1]
        return self.pool(feature_map).flatten(1)

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[BaseDataElement]] = None,
                mode: str = 'tensor') -> Union[torch.Tensor, Dict[str, torch.Tensor],
                                                List[BaseDataElement]]:
        if mode == 'tensor':
            return self.head(self.dropout(self.extract_feat(inputs)))
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise ValueError(f"Invalid mode '{mode}': use 'tensor', 'loss' or 'predict'")

    def loss(self, inputs: torch.Tensor,
             data_samples: List[BaseDataElement]) -> Dict[str, torch.Tensor]:
        """Cross-entropy ``loss_cls`` and the batch top-1 accuracy ``acc`` in percent (not a loss:
        mmengine only sums keys containing 'loss')."""
        if not data_samples or 'gt_label' not in data_samples[0]:
            raise ValueError('ImageClassifier.loss needs data samples with a gt_label field '
                             '(the PackClsInputs transform provides them)')
        logits = self.forward(inputs, mode='tensor')
        labels = torch.stack([sample.gt_label for sample in data_samples]).to(logits.device)
        correct = (logits.detach().argmax(dim=1) == labels).float()
        return dict(loss_cls=F.cross_entropy(logits, labels), acc=correct.mean() * 100)

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[BaseDataElement]] = None) -> List[BaseDataElement]:
        logits = self.forward(inputs, mode='tensor')
        scores = logits.softmax(dim=1)
        if data_samples is None:
            data_samples = [BaseDataElement() for _ in range(len(logits))]
        for sample, score in zip(data_samples, scores):
            sample.pred_score = score
            sample.pred_label = score.argmax()
        return data_samples

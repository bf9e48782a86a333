"""What every training wrapper (``SLIMAdvStyle``, ``StyleAugmented``, ``AdversarialTraining``) does
with the segmentor or classifier it wraps, in one place."""
from typing import Optional

from mmseg.registry import MODELS
from torch import nn


def build_wrapped_model(wrapper: str, model: dict, data_preprocessor: Optional[dict] = None,
                        pretrained: None = None, train_cfg: None = None, test_cfg: None = None) -> nn.Module:
    """Builds ``model``.

    ``mmseg.apis.init_model`` sets ``pretrained``, ``train_cfg`` and ``test_cfg`` to ``None`` on the
    config it builds; any other value belongs in the wrapped model's config and is refused.
    mmengine's Runner passes a config's top-level ``data_preprocessor`` to the model it builds: it
    goes to the wrapped model when that has none of its own.
    """
    for key, value in (('pretrained', pretrained), ('train_cfg', train_cfg), ('test_cfg', test_cfg)):
        if value is not None:
            raise ValueError(f'{wrapper} got {key}={value!r}: set it in the wrapped '
                             f'model\'s config (model.model.{key}) instead')
    if data_preprocessor is not None and model.get('data_preprocessor') is None:
        model = dict(model, data_preprocessor=data_preprocessor)
    return MODELS.build(model)

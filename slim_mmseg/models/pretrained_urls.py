"""Where the scheme-prefixed checkpoint names of mmseg configs point to, and where they are cached.

mmseg configs name pretrained weights by scheme (``open-mmlab://resnet101_v1c``,
``torchvision://resnet101``); the tables behind the schemes ship with mmengine
(``mmengine/hub/openmmlab.json`` through ``get_external_models``, ``mmengine/hub/torchvision_0.12.json``).
Used by the torchvision-free checkpoint loader (:mod:`.torchvision_checkpoints`) and by
``slim_mmseg.engine.PretrainedWeightsHook``; it lives with the models so that the engine depends on
the models and never the reverse.
"""
import os.path as osp
from urllib.parse import urlparse

import mmengine
import torch
from mmengine.runner.checkpoint import get_external_models

URL_SCHEMES = ('http://', 'https://')


def checkpoint_url(checkpoint: str):
    """The download URL behind a scheme-prefixed checkpoint name; None for a local path."""
    if checkpoint.startswith('open-mmlab://'):
        table, name = get_external_models(), checkpoint[len('open-mmlab://'):]
    elif checkpoint.startswith(('torchvision://', 'modelzoo://')):
        table = mmengine.load(osp.join(mmengine.__path__[0], 'hub', 'torchvision_0.12.json'))
        name = checkpoint.split('://', 1)[1]
    elif checkpoint.startswith(URL_SCHEMES):
        return checkpoint
    else:
        return None
    if name not in table:
        raise KeyError(f"Unknown pretrained checkpoint '{checkpoint}'; known names: "
                       f'{", ".join(sorted(table))}')
    return table[name]


def cached_path(url: str) -> str:
    """Where mmengine's ``load_url`` keeps (and first looks for) the file behind ``url``."""
    return osp.join(torch.hub.get_dir(), 'checkpoints', osp.basename(urlparse(url).path))

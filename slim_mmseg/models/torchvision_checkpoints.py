"""``torchvision://<name>`` checkpoints without torchvision installed.

mmengine resolves ``torchvision://resnet18`` by importing torchvision only to look up the download
URL, so ImageNet-pretrained ResNet configs fail with "No module named 'torchvision'" in this
torchvision-free stack even when the weights are in the torch hub cache. When torchvision is absent
we register a loader that takes the URL from the table mmengine itself ships
(``mmengine/hub/torchvision_0.12.json``: the ImageNet-1k V1 weights) and loads it through the
torch hub cache like mmengine's own loader. ``PretrainedWeightsHook`` turns a missing file into an
error naming it. With torchvision installed, mmengine's loader stays.
"""
import importlib.util

from mmengine.runner.checkpoint import CheckpointLoader, load_from_http

from .pretrained_urls import checkpoint_url

PREFIX = 'torchvision://'


def load_torchvision_checkpoint(filename: str, map_location=None):
    return load_from_http(checkpoint_url(filename), map_location=map_location)


if importlib.util.find_spec('torchvision') is None:
    CheckpointLoader.register_scheme(PREFIX, load_torchvision_checkpoint, force=True)

"""Fail early, and helpfully, when ImageNet-pretrained backbone weights cannot be had.

mmseg configs name pretrained backbones by scheme (``open-mmlab://resnet101_v1c``,
``torchvision://resnet101``); mmengine downloads them into the torch hub cache while it
initialises the weights. Offline, that download fails deep inside ``init_weights`` with a bare
URL error. This hook runs before the weights are initialised (``before_run``), makes sure every
``Pretrained`` checkpoint of the model is available, downloading it into the cache when it can,
and otherwise raises an error that names the file to place and the ``--cfg-options`` key that
points the config at a local copy.
"""
import os.path as osp

import mmengine
import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import BaseLoop
from mmseg.registry import HOOKS

from slim_mmseg.models.pretrained_urls import cached_path, checkpoint_url


def pretrained_checkpoints(model):
    """(dotted module name, checkpoint) for every ``Pretrained`` init_cfg in ``model``."""
    for name, module in model.named_modules():
        init_cfgs = getattr(module, 'init_cfg', None)
        if isinstance(init_cfgs, dict):
            init_cfgs = [init_cfgs]
        for init_cfg in init_cfgs or []:
            if init_cfg.get('type') == 'Pretrained' and init_cfg.get('checkpoint'):
                yield name, init_cfg['checkpoint']


@HOOKS.register_module()
class PretrainedWeightsHook(Hook):
    """Ensures the model's pretrained checkpoints exist before ``init_weights`` needs them."""

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        # Runner.train() builds its loop before 'before_run' and initialises weights after it;
        # Runner.test()/val() never initialise weights, so they need no pretrained file.
        if not isinstance(getattr(runner, '_train_loop', None), BaseLoop):
            return
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        for module_name, checkpoint in pretrained_checkpoints(model):
            self.ensure_available(module_name, checkpoint)

    @staticmethod
    def ensure_available(module_name: str, checkpoint: str) -> None:
        option = f'--cfg-options model.{module_name}.init_cfg.checkpoint=/path/to/weights.pth'
        url = checkpoint_url(checkpoint)
        if url is None:
            if not osp.isfile(checkpoint):
                raise FileNotFoundError(
                    f"Pretrained weights for '{module_name}' not found: {checkpoint} does not "
                    f'exist. Place the file there or point at it with {option}')
            return
        path = cached_path(url)
        if osp.isfile(path):
            return
        try:
            mmengine.mkdir_or_exist(osp.dirname(path))
            torch.hub.download_url_to_file(url, path, progress=False)
        except OSError as error:  # offline: urllib's URLError is an OSError
            raise FileNotFoundError(
                f"Pretrained weights '{checkpoint}' for '{module_name}' are not available: "
                f'downloading {url} failed ({error}). Download that file elsewhere and either '
                f'place it at {path} (the torch hub cache; $TORCH_HOME moves it) or point the '
                f'config at it with {option}') from error

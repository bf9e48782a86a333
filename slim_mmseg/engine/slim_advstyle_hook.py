"""``SLIMAdvStyleHook``: schedule and observability of adversarial style augmentation."""
from collections import Counter
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.dist import is_distributed
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS

from slim_mmseg.core import AdversarialStyle
from slim_mmseg.models import SLIMAdvStyle, SLIMDistributedDataParallel
from slim_mmseg.models.adversarial_wrapper import network_of


@HOOKS.register_module()
class SLIMAdvStyleHook(Hook):
    """Owns when the adversary runs, and shows what it does.

    Args:
        start_iter: iterations before this one are plain ERM steps (the adversary is off).
        warmup_iters: over this many iterations from ``start_iter`` the ascent step size grows
            linearly from ``step_size / warmup_iters`` to ``step_size``; 0 disables warm-up.
        log_interval: every this many iterations, log how often each SLIM layer and loss was drawn
            so far, and warn when the count of non-finite adversarial ascents has grown.
        vis_interval: every this many iterations, write an image grid (rows: samples; columns:
            clean input, adversarial-style input, their predictions, ground truth) through the
            runner's visualizer (``<work_dir>/<timestamp>/vis_data/vis_image``); 0 disables it.
        vis_samples: rows in the grid.
    """
    priority = 'NORMAL'

    def __init__(self, start_iter: int = 0, warmup_iters: int = 0, log_interval: int = 50,
                 vis_interval: int = 0, vis_samples: int = 2):
        if start_iter < 0 or warmup_iters < 0 or vis_interval < 0 or log_interval < 1:
            raise ValueError('start_iter, warmup_iters and vis_interval must be >= 0, log_interval >= 1')
        self.start_iter = start_iter
        self.warmup_iters = warmup_iters
        self.log_interval = log_interval
        self.vis_interval = vis_interval
        self.vis_samples = vis_samples
        self.layer_counts: Counter = Counter()
        self.loss_counts: Counter = Counter()
        self._reported_nonfinite = 0

    @staticmethod
    def _slim_model(runner) -> SLIMAdvStyle:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if not isinstance(model, SLIMAdvStyle):
            raise TypeError(f'SLIMAdvStyleHook needs model type SLIMAdvStyle, got {type(model).__name__}')
        return model

    def before_train(self, runner) -> None:
        self._slim_model(runner)
        if is_distributed() and not isinstance(runner.model, SLIMDistributedDataParallel):
            raise TypeError('distributed SLIMAdvStyle training needs '
                            "model_wrapper_cfg=dict(type='SLIMDistributedDataParallel'): the stock "
                            'DDP wrapper never calls the adversarial training step')

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        model = self._slim_model(runner)
        iteration = runner.iter
        model.adversarial_enabled = iteration >= self.start_iter
        if self.warmup_iters:
            done = iteration - self.start_iter + 1
            model.adversary.step_scale = min(1.0, max(done, 0) / self.warmup_iters)
        model.keep_batch = bool(self.vis_interval) and (iteration + 1) % self.vis_interval == 0

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs: Optional[dict] = None) -> None:
        model = self._slim_model(runner)
        slim = model.adversary.slim
        if slim is not None and outputs is not None and 'slim_lambda' in outputs:
            for layer in slim.layers:
                self.layer_counts[layer] += int(outputs[f'slim_layer/{layer}'])
            for loss in slim.losses:  # per-sample draws: the share of the batch
                self.loss_counts[loss] += float(outputs[f'slim_loss/{loss}'])
        if self.every_n_train_iters(runner, self.log_interval):
            nonfinite = model.nonfinite_steps  # one host read per logging interval
            if nonfinite > self._reported_nonfinite:
                runner.logger.warning(f'{nonfinite} adversarial style ascent(s) so far froze at a non-finite '
                                      'objective or gradient (the last finite style was kept)')
                self._reported_nonfinite = nonfinite
            if self.layer_counts:
                runner.logger.info(f'SLIM draws so far: layers {dict(self.layer_counts)}, '
                                   f'losses {dict(self.loss_counts)}')
        if model.last_batch is not None:
            grid = self._grid(runner, model, model.last_batch)
            runner.visualizer.add_image('slim_advstyle', grid, step=runner.iter + 1)
            model.last_batch = None
            model.keep_batch = False

    def _grid(self, runner, model: SLIMAdvStyle, batch: dict) -> np.ndarray:
        count = min(self.vis_samples, batch['inputs'].shape[0])
        inputs, adv_inputs = batch['inputs'][:count], batch['adv_inputs'][:count]
        samples = batch['data_samples'][:count]
        was_training = model.training
        model.eval()
        with torch.no_grad():
            network = network_of(model)
            clean_pred = _predict(network, inputs)
            with model.adversary.apply(network, inputs, _subset(batch['style'], count)) as styled:
                adv_pred = _predict(network, styled)
        model.train(was_training)
        palette = _palette(runner)
        rows = []
        for i in range(count):
            columns = [_to_image(model.data_preprocessor, inputs[i]), _to_image(model.data_preprocessor, adv_inputs[i])]
            if clean_pred is not None:
                columns += [palette[clean_pred[i]], palette[adv_pred[i]]]
                gt = getattr(samples[i], 'gt_sem_seg', None)
                if gt is not None:
                    columns.append(palette[gt.data[0].cpu().numpy()])
            rows.append(np.concatenate(columns, axis=1))
        return np.concatenate(rows, axis=0)


def _predict(model, inputs):
    """Per-pixel argmax for a segmentor; ``None`` for models without dense outputs."""
    logits = model(inputs, None, mode='tensor')
    if not isinstance(logits, torch.Tensor) or logits.dim() != 4:
        return None
    logits = F.interpolate(logits, size=inputs.shape[-2:], mode='bilinear', align_corners=False)
    return logits.argmax(dim=1).cpu().numpy()


def _subset(style: AdversarialStyle, count: int) -> AdversarialStyle:
    return AdversarialStyle({k: (m[:count], s[:count]) for k, (m, s) in style.statistics.items()},
                            style.objective, style.nonfinite_steps)


def _to_image(preprocessor, tensor) -> np.ndarray:
    """Undo the preprocessor's normalisation; returns an RGB uint8 image."""
    image = tensor.detach().float().cpu()
    mean, std = getattr(preprocessor, 'mean', None), getattr(preprocessor, 'std', None)
    if mean is not None and std is not None and getattr(preprocessor, '_enable_normalize', True):
        image = image * std.cpu().view(-1, 1, 1) + mean.cpu().view(-1, 1, 1)
    image = image.clamp(0, 255).byte().permute(1, 2, 0).numpy()
    if image.shape[2] == 1:
        image = np.repeat(image, 3, axis=2)
    # mmseg's preprocessor turns BGR into RGB when asked to; otherwise the tensor is BGR
    if not getattr(preprocessor, 'channel_conversion', False) and image.shape[2] == 3:
        image = image[:, :, ::-1]
    return np.ascontiguousarray(image)


def _palette(runner) -> np.ndarray:
    """Class colours from the training dataset's metainfo, with black for ignored (255)."""
    palette = np.zeros((256, 3), dtype=np.uint8)
    meta = getattr(runner.train_dataloader.dataset, 'metainfo', {}) or {}
    colours = meta.get('palette')
    if colours:
        palette[:len(colours)] = np.asarray(colours, dtype=np.uint8)
    else:
        palette[:255] = np.random.default_rng(0).integers(0, 255, (255, 3), dtype=np.uint8)
    return palette

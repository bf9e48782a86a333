"""SLIMAdvStyleHook in a real (tiny) mmengine run: schedule, logged values, image grid."""
import json

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner
from PIL import Image


def slim_config(path, work_dir, **hook):
    cfg = Config.fromfile(path)
    cfg.model = dict(type='SLIMAdvStyle', model=cfg.model,
                     adversary=dict(positions=['input'], step_size=0.1),
                     slim=dict(layers=['backbone.layer1', 'backbone.layer4'], seed=0))
    cfg.custom_hooks = [dict(type='SLIMAdvStyleHook', **hook)]
    cfg.work_dir = str(work_dir)
    cfg.default_hooks.checkpoint.interval = 100
    cfg.log_processor.window_size = 1  # log each iteration's own values, not running means
    return cfg


def logged_iterations(work_dir):
    scalars, = work_dir.glob('*/vis_data/scalars.json')
    return [json.loads(line) for line in scalars.read_text().splitlines()]


def test_schedule_logging_and_grid(tiny_config_file, tmp_path):
    work_dir = tmp_path / 'work'
    cfg = slim_config(tiny_config_file(max_iters=4), work_dir,
                      start_iter=2, warmup_iters=2, log_interval=1, vis_interval=2)
    runner = Runner.from_cfg(cfg)
    runner.train()
    records = logged_iterations(work_dir)
    assert [r['iter'] for r in records] == [1, 2, 3, 4]
    for record in records[:2]:   # before start_iter: ERM steps
        assert 'adv.decode.loss_ce' not in record and 'slim_lambda' not in record
    for record in records[2:]:
        assert 'adv.decode.loss_ce' in record and -1 <= record['slim_lambda'] <= 1
        # one-hot per layer (window_size=1): a real draw, not an averaged index
        drawn = (record['slim_layer/backbone.layer1'], record['slim_layer/backbone.layer4'])
        assert sorted(drawn) == [0.0, 1.0]
        # the SLIM values are logged beside the total, not summed into it
        assert record['loss'] == pytest.approx(
            record['decode.loss_ce'] + record['adv.decode.loss_ce'], rel=1e-3)
    hook = next(h for h in runner.hooks if type(h).__name__ == 'SLIMAdvStyleHook')
    assert sum(hook.layer_counts.values()) == 2
    assert runner.model.adversary.step_scale == 1.0
    grid_path, = work_dir.glob('*/vis_data/vis_image/slim_advstyle_4.png')
    grid = np.asarray(Image.open(grid_path))
    # two samples of 32x32; columns: clean, adversarial, two predictions, ground truth
    assert grid.shape == (64, 5 * 32, 3)
    assert not np.array_equal(grid[:, :32], grid[:, 32:64])


def test_warmup_scales_the_step(tiny_config_file, tmp_path):
    cfg = slim_config(tiny_config_file(max_iters=1), tmp_path / 'work', start_iter=0, warmup_iters=4)
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.model.adversary.step_scale == pytest.approx(0.25)


def test_hook_refuses_a_model_that_is_not_slim(tiny_config_file, tmp_path):
    cfg = Config.fromfile(tiny_config_file(max_iters=1))
    cfg.custom_hooks = [dict(type='SLIMAdvStyleHook')]
    cfg.work_dir = str(tmp_path / 'work')
    with pytest.raises(TypeError, match='needs model type SLIMAdvStyle'):
        Runner.from_cfg(cfg).train()


def test_tensorboard_switch_writes_losses_slim_draws_and_the_grid(tiny_config_file, tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    work_dir = tmp_path / 'work'
    cfg = slim_config(tiny_config_file(max_iters=2), work_dir, log_interval=1, vis_interval=2)
    # the switch documented in configs/_base_/default_runtime.py
    cfg.merge_from_dict({'visualizer.vis_backends.0.type': 'TensorboardVisBackend'})
    # mmengine keeps one Visualizer per name and process: a fresh name, not an earlier test's one
    cfg.visualizer.name = f'tensorboard_{tmp_path.name}'
    Runner.from_cfg(cfg).train()

    event_file, = work_dir.glob('*/vis_data/events.out.tfevents.*')
    events = EventAccumulator(str(event_file.parent), size_guidance={'images': 0, 'scalars': 0})
    events.Reload()
    scalars = events.Tags()['scalars']
    for tag in ('loss', 'decode.loss_ce', 'adv.decode.loss_ce', 'slim_layer/backbone.layer1',
                'slim_loss/mse', 'slim_lambda'):
        assert tag in scalars, (tag, scalars)
        assert [e.step for e in events.Scalars(tag)] == [1, 2]
    assert all(-1 <= e.value <= 1 for e in events.Scalars('slim_lambda'))
    grid, = events.Images('slim_advstyle')
    assert (grid.step, grid.height, grid.width) == (2, 64, 5 * 32)


def test_non_finite_count_is_reported_once_per_growth_at_logging_intervals():
    from types import SimpleNamespace

    import torch
    from mmseg.registry import MODELS

    import slim_mmseg.openmmlab  # noqa: F401
    from slim_mmseg.engine.slim_advstyle_hook import SLIMAdvStyleHook

    model = MODELS.build(dict(type='SLIMAdvStyle', model=dict(
        type='ImageClassifier', num_classes=2, in_channels=8, backbone=dict(type='CIFARResNet', blocks=(1, 1, 1, 1),
                                                                         base_width=2),
        data_preprocessor=dict(type='ImgDataPreprocessor', mean=[0.] * 3, std=[1.] * 3)), slim=None, seed=0))
    warnings = []
    runner = SimpleNamespace(model=model, iter=0, logger=SimpleNamespace(warning=warnings.append, info=lambda m: None))
    hook = SLIMAdvStyleHook(log_interval=2)
    model.count_nonfinite(torch.tensor(1))
    for iteration in range(4):
        runner.iter = iteration
        hook.after_train_iter(runner, iteration, outputs={})
    assert len(warnings) == 1 and warnings[0].startswith('1 adversarial style ascent(s)')

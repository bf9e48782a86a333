"""AdversarialTraining under 2-process CPU DDP (torchrun + gloo): TRADES + SLIM + AWP runs its own
step through SLIMDistributedDataParallel, the ranks' weights agree after every step, SLIM's draws
are logged, and a resumed run continues the attack's and SLIM's random streams."""
import json
import random

import pytest
import torch
from fashion_mnist_fakes import write_split
from mmengine.config import Config
from state_dump_hook import load_state_dump

CONFIG = 'configs/fashion_mnist_at/smallcnn_trades_slim.py'


def tiny_config(tmp_path, data_root, max_epochs):
    from pathlib import Path
    cfg = Config.fromfile(str(Path(__file__).resolve().parents[2] / CONFIG))
    cfg.model.model.backbone.channels = (4, 8, 8)
    cfg.model.model.in_channels = 8
    cfg.model.attack.steps = 2
    cfg.model.awp = dict(gamma=0.005, warmup_epochs=0)
    cfg.train_dataloader.update(batch_size=2, num_workers=0, persistent_workers=False)
    cfg.train_dataloader.dataset.data_root = str(data_root)
    cfg.test_dataloader = cfg.test_cfg = cfg.test_evaluator = None
    cfg.train_cfg.max_epochs = max_epochs
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1)
    cfg.default_hooks.logger.interval = 1
    cfg.log_processor = dict(by_epoch=True, window_size=1)
    cfg.custom_imports.imports = ['slim_mmseg.openmmlab', 'state_dump_hook']
    cfg.custom_hooks = [dict(type='StateDumpHook')]
    path = tmp_path / f'at_ddp_{max_epochs}.py'
    cfg.dump(str(path))
    return path


def test_step_through_the_ddp_wrapper_in_one_process(tmp_path):
    """The DDP path (SLIMDistributedDataParallel hands the step to the module; TRADES forwards the
    clean and adversarial batches through DDP before one backward) in a 1-process gloo group."""
    import torch.distributed as dist
    from mmengine.optim import OptimWrapper
    from mmseg.registry import MODEL_WRAPPERS
    from test_adversarial_training import build, raw_batch

    dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store"}', rank=0, world_size=1)
    try:
        model = build(dict(type='TRADES'), slim=True, awp=dict(gamma=0.01))
        reference = build(dict(type='TRADES'), slim=True, awp=dict(gamma=0.01))
        wrapped = MODEL_WRAPPERS.build(dict(type='SLIMDistributedDataParallel', module=model, device_ids=None))
        log_vars = wrapped.train_step(raw_batch(), OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1)))
        reference.train_step(raw_batch(), OptimWrapper(torch.optim.SGD(reference.parameters(), lr=0.1)))
    finally:
        dist.destroy_process_group()
    assert 'slim_lambda' in log_vars and log_vars['awp_active'] == 1
    for (name, value), expected in zip(model.state_dict().items(), reference.state_dict().values()):
        torch.testing.assert_close(value, expected, msg=name)  # same step as without DDP


@pytest.mark.slow
def test_two_process_trades_slim_awp_ranks_agree_and_resume(tool, tmp_path):
    write_split(tmp_path / 'data', 'train', 8)  # 8 images / (2 ranks x 2) = 2 steps per epoch
    work_dir = tmp_path / 'work'
    port = lambda: dict(PORT=str(random.randint(20000, 40000)))  # noqa: E731
    tool('dist_train.sh', tiny_config(tmp_path, tmp_path / 'data', 1), 2, '--work-dir', work_dir, env=port())
    rank0, rank1 = (load_state_dump(work_dir, 'after_train', rank) for rank in (0, 1))
    start = load_state_dump(work_dir, 'before_train', 0)
    assert rank0['iter'] == rank1['iter'] == 2
    for name, value in rank0['params'].items():
        assert torch.equal(value, rank1['params'][name]), f'{name} differs across ranks'
        assert not torch.equal(value, start['params'][name]), f'{name} was not trained'
    scalars, = work_dir.glob('*/vis_data/scalars.json')
    records = [json.loads(line) for line in scalars.read_text().splitlines()]
    assert len(records) == 2
    assert all('slim_lambda' in r and 'loss_robust_kl' in r and r['awp_active'] == 1 for r in records)

    # resume for a second epoch: the random streams continue from the checkpoint
    saved = torch.load(work_dir / 'epoch_1.pth', weights_only=True)['state_dict']
    streams = {k: v for k, v in saved.items() if k.startswith('random_streams.')}
    assert set(streams) == {'random_streams.random_start._extra_state', 'random_streams.slim._extra_state'}
    tool('dist_train.sh', tiny_config(tmp_path, tmp_path / 'data', 2), 2, '--work-dir', work_dir, '--resume',
         env=port())
    assert load_state_dump(work_dir, 'after_train', 0)['iter'] == 4
    resumed_scalars = [p for p in work_dir.glob('*/vis_data/scalars.json') if p != scalars]
    resumed_records = [json.loads(line) for line in resumed_scalars[0].read_text().splitlines()]
    # A fresh stream (seeded as before) would repeat epoch 1's draws; a continued one does not.
    assert [r['slim_lambda'] for r in resumed_records] != [r['slim_lambda'] for r in records]

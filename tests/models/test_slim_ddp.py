"""SLIM-AdvStyle under 2-process CPU DDP (torchrun + gloo): the adversarial step runs, ranks agree."""
import json
import random

import torch
from mmengine.config import Config

from state_dump_hook import load_state_dump


def test_two_process_slim_advstyle_weights_agree_across_ranks(tiny_config_file, tool, tmp_path):
    cfg = Config.fromfile(tiny_config_file(max_iters=3, dump_state=True))
    cfg.model = dict(type='SLIMAdvStyle', model=cfg.model,
                     adversary=dict(positions=['input', 'backbone.layer1'], step_size=0.1),
                     slim=dict(layers=['backbone.layer1', 'backbone.layer2', 'backbone.layer4']))
    cfg.model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')
    cfg.custom_hooks.append(dict(type='SLIMAdvStyleHook', log_interval=1))
    cfg.log_processor.window_size = 1
    config = tmp_path / 'slim_ddp.py'
    cfg.dump(str(config))
    work_dir = tmp_path / 'work'
    tool('dist_train.sh', config, 2, '--work-dir', work_dir,
             env=dict(PORT=str(random.randint(20000, 40000))))

    rank0, rank1 = (load_state_dump(work_dir, 'after_train', rank) for rank in (0, 1))
    start = load_state_dump(work_dir, 'before_train', 0)
    assert rank0['iter'] == rank1['iter'] == 3
    for name, value in rank0['params'].items():
        assert torch.equal(value, rank1['params'][name]), f'{name} differs across ranks'
    assert any(not torch.equal(value, start['params'][name]) for name, value in rank0['params'].items())
    scalars, = work_dir.glob('*/vis_data/scalars.json')
    records = [json.loads(line) for line in scalars.read_text().splitlines()]
    assert len(records) == 3 and all('adv.decode.loss_ce' in r and 'slim_lambda' in r for r in records)

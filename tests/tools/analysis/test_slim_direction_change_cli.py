"""tools/analysis/slim_direction_change.py on the tiny experiment's ERM checkpoint."""
import json

import pytest
from mmengine.config import Config
from tiny_experiment import run_tool


def slim_version(config, directory):
    cfg = Config.fromfile(config)
    cfg.model = dict(type='SLIMAdvStyle', model=cfg.model,
                     adversary=dict(positions=['input'], step_size=0.1, random_start=0.1),
                     slim=dict(layers=['backbone.layer1', 'backbone.layer4'], losses=['mse', 'reverse']))
    path = directory / 'tiny_slim.py'
    cfg.dump(str(path))
    return path


def test_flip_rates_per_layer_loss_and_weight(tiny_training_run, tmp_path):
    config = slim_version(tiny_training_run.config, tmp_path)
    out = tmp_path / 'flips.json'
    output = run_tool('analysis/slim_direction_change.py', config, tiny_training_run.work_dir / 'iter_2.pth',
                      '--batches', '2', '--json', out, cwd=tmp_path / 'elsewhere')
    result = json.loads(out.read_text())
    assert result['random_start'] == 0.1
    keys = {(r['layer'], r['loss'], r['weight'], r['batch']) for r in result['records']}
    assert len(keys) == len(result['records']) == 2 * 2 * 2 * 2
    assert all(0.0 <= r['flip_rate'] <= 1.0 for r in result['records'])
    assert '| backbone.layer4 | reverse | +1 |' in output


def test_non_slim_config_is_refused(tiny_training_run, tmp_path):
    with pytest.raises(AssertionError, match='not a SLIM-AdvStyle config'):
        run_tool('analysis/slim_direction_change.py', tiny_training_run.config,
                 tiny_training_run.work_dir / 'iter_2.pth', cwd=tmp_path)

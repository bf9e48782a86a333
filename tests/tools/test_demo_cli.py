"""The train and test CLIs on the demo config, with a tiny SynthStreets generation."""
import importlib.util
import json

import pytest
from tiny_experiment import REPO_ROOT

DEMO_CONFIG = REPO_ROOT / 'configs' / 'demo' / 'erm_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py'
NO_WORKERS = [f'{loader}.{key}' for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
              for key in ('num_workers=0', 'persistent_workers=False')]


def generate_tiny_synthstreets(out):
    spec = importlib.util.spec_from_file_location(
        'make_synthstreets', REPO_ROOT / 'tools' / 'make_synthstreets.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(['--out', str(out), '--source-train', '4', '--source-val', '2',
                 '--target-train', '0', '--target-val', '1', '--height', '64', '--width', '128'])


def test_demo_config_trains_validates_and_tests(tool, tmp_path):
    # The config's data_root is relative: data/synthstreets under the working directory.
    generate_tiny_synthstreets(tmp_path / 'elsewhere' / 'data' / 'synthstreets')
    work_dir = tmp_path / 'work'

    tool('train.py', DEMO_CONFIG, '--work-dir', work_dir, '--cfg-options',
         'train_cfg.max_iters=2', 'train_cfg.val_interval=2', 'train_dataloader.batch_size=2',
         'default_hooks.logger.interval=1', *NO_WORKERS)

    assert (work_dir / 'iter_2.pth').is_file()
    assert (work_dir / 'best_source_val_mIoU_iter_2.pth').is_file()
    [scalars] = work_dir.glob('*/vis_data/scalars.json')
    records = [json.loads(line) for line in scalars.read_text().splitlines()]
    [validation] = [record for record in records if 'source_val/mIoU' in record]

    tool('test.py', DEMO_CONFIG, work_dir / 'iter_2.pth', '--work-dir', tmp_path / 'test',
         '--cfg-options', *NO_WORKERS)

    [metrics_file] = (tmp_path / 'test').glob('*/*.json')
    metrics = json.loads(metrics_file.read_text())
    for domain in ('source_val', 'overcast', 'foggy', 'dusk', 'target_mean'):
        assert metrics[f'{domain}/mIoU'] == pytest.approx(validation[f'{domain}/mIoU'], abs=1e-3)

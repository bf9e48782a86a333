"""tools/gpu_check.sh / gpu_check.py: the parts a CPU can run (the message without CUDA, the
arguments, the fakes and derived configs, the table, and the dry run of the whole path)."""
import importlib.util
import os
import subprocess
import sys

import pytest
import torch
from tiny_experiment import REPO_ROOT


def load_tool():
    spec = importlib.util.spec_from_file_location('gpu_check', REPO_ROOT / 'tools' / 'gpu_check.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(torch.cuda.is_available(), reason='the message is for machines without CUDA')
def test_without_cuda_the_script_stops_with_a_clear_message():
    result = subprocess.run(['bash', str(REPO_ROOT / 'tools' / 'gpu_check.sh')], capture_output=True, text=True,
                            env=dict(os.environ, PYTHON=sys.executable))
    assert result.returncode == 1 and result.stdout == ''
    assert 'no CUDA device is visible' in result.stderr and '--device cpu --tiny' in result.stderr


def test_the_cpu_is_only_a_dry_run():
    tool = load_tool()
    with pytest.raises(SystemExit):
        tool.parse_args(['--device', 'cpu'])
    args = tool.parse_args(['--device', 'cpu', '--tiny', '--skip', 'pytest', 'benchmarks'])
    assert args.runs == list(tool.RUNS) and args.skip == ['pytest', 'benchmarks']


def test_table_has_speedups_memory_and_failures():
    table = load_tool().format_table('NVIDIA H100 80GB HBM3', [
        dict(run='cifar10-slim-at', precision='fp32', iterations=50, step_s=0.2, peak_mib=2048.4, error=None),
        dict(run='cifar10-slim-at', precision='amp', iterations=50, step_s=0.125, peak_mib=1200.0, error=None),
        dict(run='asa-slim-deeplab-512', precision='fp32', iterations=20, step_s=0.5, peak_mib=None, error=None),
        dict(run='asa-slim-deeplab-512', precision='amp', iterations=20, error='exit 1 (log: x.log)'),
    ])
    assert table.splitlines() == [
        'card: NVIDIA H100 80GB HBM3',
        '| run | precision | iterations | median step (s) | peak memory (MiB) | AMP speed-up |',
        '|---|---|---|---|---|---|',
        '| cifar10-slim-at | fp32 | 50 | 0.200 | 2048 | - |',
        '| cifar10-slim-at | amp | 50 | 0.125 | 1200 | 1.60x |',
        '| asa-slim-deeplab-512 | fp32 | 20 | 0.500 | - | - |',
        '| asa-slim-deeplab-512 | amp | 20 | FAILED: exit 1 (log: x.log) | - | - |']


def test_deeplab_run_is_512_without_download_validation_or_checkpoints(tmp_path):
    cfg = load_tool().run_config('asa-slim-deeplab-512', tmp_path, tiny=False)
    assert cfg.model.type == 'StyleAugmented' and cfg.model.slim is not None
    crop = next(step for step in cfg.train_dataloader.dataset.pipeline if step['type'] == 'RandomCrop')
    assert crop['crop_size'] == (512, 512) and cfg.model.model.data_preprocessor.size == (512, 512)
    assert cfg.model.model.backbone.init_cfg is None and not cfg.custom_hooks
    assert cfg.train_cfg.max_iters == 20 and cfg.val_dataloader is None and cfg.default_hooks.checkpoint is None
    assert cfg.train_dataloader.batch_size == 4 and cfg.train_dataloader.dataset.data_root == str(tmp_path)
    assert cfg.default_hooks.logger.interval == cfg.log_processor.window_size == 5


def test_fakes_load_through_the_configs_datasets(tmp_path):
    import slim_mmseg.openmmlab  # noqa: F401
    from mmengine.registry import init_default_scope
    from mmseg.registry import DATASETS
    tool = load_tool()
    init_default_scope('mmseg')
    cifar = tool.run_config('cifar10-slim-at', tool.write_fake_cifar10(tmp_path / 'cifar', 3200), tiny=False)
    assert len(DATASETS.build(cifar.train_dataloader.dataset)) == 3200    # one epoch = 50 iterations of 64
    tiny = tool.run_config('cifar10-slim-at', tool.write_fake_cifar10(tmp_path / 'tiny', 4), tiny=True)
    assert len(DATASETS.build(tiny.train_dataloader.dataset)) == 4 and tiny.train_dataloader.batch_size == 2
    gta5 = tool.run_config('asa-slim-deeplab-512', tool.write_fake_gta5(tmp_path / 'gta5', 2, size=(128, 70)),
                           tiny=True)
    sample = DATASETS.build(gta5.train_dataloader.dataset)[0]
    labels = sample['data_samples'].gt_sem_seg.data.unique().tolist()
    assert sample['inputs'].shape[0] == 3 and max(sample['inputs'].shape[1:]) <= 64
    assert set(labels) <= {0, 1, 2, 5, 8, 10, 11, 13, 255}     # label ids mapped to train ids


def test_dry_run_prints_the_table(tmp_path, capsys):
    code = load_tool().main(['--device', 'cpu', '--tiny', '--runs', 'cifar10-slim-at', '--skip', 'pytest',
                             'benchmarks', '--out', str(tmp_path)])
    output = capsys.readouterr().out
    assert code == 0, output
    rows = [line for line in output.splitlines() if line.startswith('| cifar10-slim-at')]
    assert [row.split(' | ')[1] for row in rows] == ['fp32', 'amp'] and rows[1].endswith('x |')
    assert 'card: cpu (dry run' in output and 'pytest -m cuda: skipped' in output

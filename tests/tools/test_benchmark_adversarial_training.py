"""The adversarial-training benchmark runs end to end on the small Fashion-MNIST model and prints
every variant and ratio (numbers are for the README, not asserted: timing is machine-dependent)."""
import importlib.util
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

ROOT = Path(__file__).resolve().parents[2]
FASHION_CONFIG = str(ROOT / 'configs/fashion_mnist_at/smallcnn_pgd-at.py')


def load_tool():
    spec = importlib.util.spec_from_file_location('benchmark_adversarial_training',
                                                  ROOT / 'tools/benchmark_adversarial_training.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_prints_every_variant_and_ratio(monkeypatch, capsys, tmp_path):
    tool = load_tool()
    config = tmp_path / 'tiny_at.py'  # the demo config with a 2-step attack and 4-channel stages
    config.write_text(f"_base_ = ['{FASHION_CONFIG}']\n"
                      "model = dict(attack=dict(steps=2), model=dict(backbone=dict(channels=(4, 4, 4)), "
                      "in_channels=4))\n")
    monkeypatch.setattr(sys, 'argv', ['benchmark', str(config), '--batch-size', '2', '--rounds', '1',
                                      '--warmup', '0', '--memory-steps', '1', '--image-size', '28',
                                      '--channels', '1', '--epoch-steps', '1', '--epoch-samples', '60000',
                                      '--device', 'cpu'])
    monkeypatch.setattr(tool, 'epoch_time', lambda cfg, steps, samples, *rest: (0.5, 0.5 * samples / 128, 128))
    tool.main()
    output = capsys.readouterr().out
    for variant in ('ERM', 'PGD-AT', 'SLIM-PGD-AT', 'TRADES', 'SLIM-TRADES', 'MART', 'SLIM-MART', 'AWP-AT',
                    'SLIM-AWP-AT', 'AWP-TRADES', 'SLIM-AWP-TRADES'):
        assert any(line.split()[:1] == [variant] for line in output.splitlines()), variant
    assert 'PGD-2-AT / ERM time' in output
    assert output.count('(target <= 1.05)') == 5
    assert 'AWP overhead' in output
    assert '3.9 min per epoch of 60000 images' in output


def test_epoch_time_extrapolates_the_configs_own_step():
    tool = load_tool()
    cfg = Config.fromfile(FASHION_CONFIG)
    cfg.train_dataloader.batch_size = 4
    per_step, per_epoch, batch_size = tool.epoch_time(cfg, 1, 10, 1, 28, 10, torch.device('cpu'))
    assert batch_size == 4 and per_epoch == pytest.approx(3 * per_step)  # ceil(10 / 4) steps


def test_base_width_needs_a_resnet():
    tool = load_tool()
    with pytest.raises(ValueError, match='SmallConvNet has no base_width'):
        tool.variant_cfgs(Config.fromfile(FASHION_CONFIG), base_width=8)

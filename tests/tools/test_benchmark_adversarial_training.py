"""The adversarial-training benchmark runs end to end on the small Fashion-MNIST model and prints
every variant and ratio (numbers are for the README, not asserted: timing is machine-dependent)."""
import re
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from tool_module import load_tool

ROOT = Path(__file__).resolve().parents[2]
FASHION_CONFIG = str(ROOT / 'configs/fashion_mnist_at/smallcnn_pgd-at.py')


def test_benchmark_prints_every_variant_and_ratio(monkeypatch, capsys, tmp_path):
    tool = load_tool('benchmark_adversarial_training.py')
    config = tmp_path / 'tiny_at.py'  # the demo config with a 2-step attack and 4-channel stages
    config.write_text(f"_base_ = ['{FASHION_CONFIG}']\n"
                      "model = dict(attack=dict(steps=2), model=dict(backbone=dict(channels=(4, 4, 4)), "
                      "in_channels=4))\n")
    monkeypatch.setattr(sys, 'argv', ['benchmark', str(config), '--batch-size', '2', '--rounds', '2',
                                      '--min-rounds', '2', '--warmup', '0', '--memory-steps', '1',
                                      '--image-size', '28', '--channels', '1', '--epoch-steps', '1',
                                      '--epoch-samples', '60000', '--device', 'cpu'])
    monkeypatch.setattr(tool, 'epoch_time', lambda cfg, steps, samples, *rest: (0.5, 0.5 * samples / 128, 128))
    tool.main()
    output = capsys.readouterr().out
    for variant in ('ERM', 'PGD-AT', 'SLIM-PGD-AT', 'TRADES', 'SLIM-TRADES', 'MART', 'SLIM-MART', 'AWP-AT',
                    'SLIM-AWP-AT', 'AWP-TRADES', 'SLIM-AWP-TRADES', 'SLIM-PGD-AT-paper', 'SLIM-PGD-AT-balanced'):
        assert any(line.split()[:1] == [variant] for line in output.splitlines()), variant
    assert '2 interleaved rounds' in output
    assert re.search(r'PGD-2-AT / ERM: time \d+\.\d{3} \[\d+\.\d{3}, \d+\.\d{3}\] \(target <= 8.0: ', output)
    # SLIM-X / X: time and memory targets, for the five methods
    assert len(re.findall(r'SLIM-[A-Z-]+ / [A-Z-]+: time .*\(target <= 1.05: .*memory [\d.]+ \(target <= 1.05\)',
                          output)) == 5
    assert re.search(r'SLIM-PGD-AT balanced / mean: time .*\(target <= 1.35: (met|NOT met|not separated from '
                     r'the target)\)', output)
    assert 'SLIM-PGD-AT paper / mean: time' in output
    assert 'AWP overhead: AWP-AT / PGD-AT' in output
    assert '3.9 min per epoch of 60000 images' in output


def test_epoch_time_extrapolates_the_configs_own_step():
    tool = load_tool('benchmark_adversarial_training.py')
    cfg = Config.fromfile(FASHION_CONFIG)
    cfg.train_dataloader.batch_size = 4
    per_step, per_epoch, batch_size = tool.epoch_time(cfg, 1, 10, 1, 28, 10, torch.device('cpu'))
    assert batch_size == 4 and per_epoch == pytest.approx(3 * per_step)  # ceil(10 / 4) steps


def test_base_width_needs_a_resnet_and_defaults_to_a_quarter_width_resnet():
    tool = load_tool('benchmark_adversarial_training.py')
    with pytest.raises(ValueError, match='SmallConvNet has no base_width'):
        tool.variant_cfgs(Config.fromfile(FASHION_CONFIG), base_width=8)
    assert 'base_width' not in tool.variant_cfgs(Config.fromfile(FASHION_CONFIG), base_width=None)['ERM'].backbone
    paper = tool.variant_cfgs(Config.fromfile(str(ROOT / tool.DEFAULT_CONFIG)), base_width=None)
    assert paper['ERM'].backbone.base_width == 16 and paper['ERM'].in_channels == 128
    assert paper['SLIM-PGD-AT-balanced']['slim']['scale'] == 'balanced'
    assert paper['SLIM-PGD-AT'].get('slim').get('scale') is None  # the default scale, 'mean'

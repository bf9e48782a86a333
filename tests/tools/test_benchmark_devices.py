"""The benchmarks run on the device given by ``--device`` (tiny settings; numbers not asserted)."""
import importlib.util
import json
import sys

import pytest
import torch
from tiny_experiment import REPO_ROOT

DEVICES = ['cpu', pytest.param('cuda', marks=pytest.mark.cuda)]
FASHION_CONFIG = str(REPO_ROOT / 'configs/fashion_mnist_at/smallcnn_pgd-at.py')


def load_tool(name):
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / 'tools' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_device_defaults_to_cuda_when_available(monkeypatch):
    tool = load_tool('benchmark_step')
    assert tool.parse_args([]).device == torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    assert tool.parse_args(['--device', 'cpu']).device == torch.device('cpu')


@pytest.mark.parametrize('device', DEVICES)
def test_step_benchmark_runs_on_the_device(device, tmp_path, capsys):
    tool = load_tool('benchmark_step')
    built_on = []
    original = tool.build

    def build(*args, **kwargs):
        model, optim = original(*args, **kwargs)
        built_on.append(next(model.parameters()).device.type)
        return model, optim

    tool.build = build
    tool.main(['--variants', 'ERM', 'ASA+SLIM', '--batch-size', '2', '--steps', '1', '--warmup', '0',
               '--memory-steps', '1', '--device', device, '--json', str(tmp_path / 'step.json')])
    assert built_on == [device, device]
    result = json.loads((tmp_path / 'step.json').read_text())
    assert set(result['seconds']) == {'ERM', 'ASA+SLIM'} and all(v > 0 for v in result['peak_memory_bytes'].values())
    assert 'ASA+SLIM / ASA' not in capsys.readouterr().out     # ratios only for variants that ran


@pytest.mark.parametrize('device', DEVICES)
def test_pgd_benchmark_runs_on_the_device(device, capsys):
    ratio = load_tool('benchmark_pgd').main([FASHION_CONFIG, '--batch-size', '2', '--rounds', '1', '--steps', '1',
                                             '--device', device])
    assert ratio > 0 and f'{device}, 1 CPU thread(s)' in capsys.readouterr().out


@pytest.mark.parametrize('device', DEVICES)
def test_adversarial_training_benchmark_runs_on_the_device(device, tmp_path, monkeypatch, capsys):
    tool = load_tool('benchmark_adversarial_training')
    config = tmp_path / 'tiny_at.py'
    config.write_text(f"_base_ = ['{FASHION_CONFIG}']\n"
                      "model = dict(attack=dict(steps=1), model=dict(backbone=dict(channels=(4, 4, 4)), "
                      "in_channels=4))\n")
    built_on = []
    original = tool.build
    monkeypatch.setattr(tool, 'build', lambda cfg, where: built_on.append(where.type) or original(cfg, where))
    monkeypatch.setattr(sys, 'argv', ['benchmark', str(config), '--batch-size', '2', '--rounds', '1', '--warmup', '0',
                                      '--memory-steps', '1', '--image-size', '28', '--channels', '1',
                                      '--device', device])
    tool.main()
    assert set(built_on) == {device} and 'SLIM-PGD-AT / PGD-AT' in capsys.readouterr().out

"""Every analysis CLI runs on the device given by ``--device`` (the model, its batches and the
analysis' own tensors): on the CPU here, and on CUDA in the tests marked ``cuda``."""
import json
import sys

import pytest
import torch
from analysis_cli_helpers import load_tool
from tiny_experiment import run_tool

DEVICES = ['cpu', pytest.param('cuda', marks=pytest.mark.cuda)]
# Small settings per tool (clustering with LAFEAT: its heads and counters follow the device too).
TOOL_ARGS = {
    'clustering_effect': ['--inputs', 'clean', 'pgd', 'lafeat', '--lafeat-epochs', '1', '--lafeat-steps', '1',
                          '--max-train-images', '640', '--max-images', '16'],
    'feature_cosine': ['--sources', 'PGD', 'random corruption', '--max-images', '8'],
    'gradient_shift_cosine': ['--steps', '2', '--layers', 'backbone.layer1', '--max-images', '8'],
    'hessian_trace': ['--modules', 'head', '--max-samples', '2', '--max-images', '8'],
    'weight_noise': ['--sigmas', '0', '0.05', '--draws', '1', '--max-images', '8'],
}


@pytest.mark.parametrize('device', DEVICES)
@pytest.mark.parametrize('name', sorted(TOOL_ARGS))
def test_analysis_cli_runs_on_the_device_given(name, device, digits_classifier, tmp_path, monkeypatch):
    tool = load_tool(name)
    run_module = sys.modules['analysis_run']
    loaded_on = []

    def load_model(*args):
        loaded = original(*args)
        loaded_on.append((next(loaded.model.parameters()).device.type, loaded.model.mean.device.type))
        return loaded

    original = run_module.load_model
    monkeypatch.setattr(run_module, 'load_model', load_model)
    tool.main([digits_classifier.config, digits_classifier.checkpoint, *TOOL_ARGS[name], '--device', device,
               '--work-dir', str(tmp_path)])
    assert loaded_on == [(device, device)]
    assert json.loads((tmp_path / f'{name}.json').read_text())['records']


def test_batches_come_out_on_the_models_device(digits_classifier):
    loading = load_tool('model_loading')
    loaded = loading.load_model(digits_classifier.config, digits_classifier.checkpoint, 'erm', device='cpu')
    images, labels = loading.labelled_batches(loaded, 'train', 4, 4, 0, None)[0]
    assert images.device == labels.device == torch.device('cpu')


@pytest.mark.cuda
def test_cuda_batches_and_model(digits_classifier):
    loading = load_tool('model_loading')
    loaded = loading.load_model(digits_classifier.config, digits_classifier.checkpoint, 'erm', device='cuda')
    images, labels = loading.labelled_batches(loaded, 'train', 4, 4, 0, None)[0]
    assert images.is_cuda and labels.is_cuda and loaded.model(images).is_cuda


@pytest.mark.parametrize('device', DEVICES)
def test_slim_direction_change_runs_on_the_device_given(device, tiny_training_run, tmp_path):
    from test_slim_direction_change_cli import slim_version
    out = tmp_path / 'flips.json'
    run_tool('analysis/slim_direction_change.py', slim_version(tiny_training_run.config, tmp_path),
             tiny_training_run.work_dir / 'iter_2.pth', '--batches', '1', '--weights', '1', '--json', out,
             '--device', device, cwd=tmp_path / 'elsewhere')
    assert json.loads(out.read_text())['device'] == device


def test_a_cuda_device_where_none_is_visible_is_refused_with_the_fix(monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    with pytest.raises(SystemExit):
        load_tool('hessian_trace').parse_args(['c.py', 'c.pth', '--device', 'cuda'])
    error = capsys.readouterr().err
    assert 'cuda: no CUDA device is visible here' in error and 'use --device cpu' in error

"""tools/train.py: outputs of a run, --amp on CPU, --resume resolution."""
import importlib.util
import json
import math

import pytest
import torch
from mmengine.config import Config
from tiny_experiment import REPO_ROOT

from slim_mmseg.engine import CPUBF16AutocastOptimWrapper


def load_train_tool():
    spec = importlib.util.spec_from_file_location('train_tool', REPO_ROOT / 'tools' / 'train.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_train_writes_checkpoints_config_and_scalar_log(tiny_training_run):
    work_dir = tiny_training_run.work_dir
    assert (work_dir / 'last_checkpoint').read_text().strip() == str(work_dir / 'iter_2.pth')
    first = torch.load(work_dir / 'iter_1.pth', weights_only=True)
    second = torch.load(work_dir / 'iter_2.pth', weights_only=True)
    assert (first['meta']['iter'], second['meta']['iter']) == (1, 2)
    weight = 'decode_head.conv_seg.weight'
    assert not torch.equal(first['state_dict'][weight], second['state_dict'][weight])

    assert Config.fromfile(work_dir / 'tiny_fcn.py').work_dir == str(work_dir)
    [scalars] = work_dir.glob('*/vis_data/scalars.json')
    records = [json.loads(line) for line in scalars.read_text().splitlines()]
    assert [record['iter'] for record in records] == [1, 2]
    assert all(math.isfinite(record['loss']) for record in records)


def test_amp_on_cpu_trains_with_bf16_autocast_wrapper(tiny_training_run):
    dumped = Config.fromfile(tiny_training_run.work_dir / 'tiny_fcn.py')
    assert dumped.optim_wrapper.type == 'CPUBF16AutocastOptimWrapper'
    checkpoint = torch.load(tiny_training_run.work_dir / 'iter_2.pth', weights_only=True)
    assert all(value.dtype == torch.float32
               for value in checkpoint['state_dict'].values() if value.is_floating_point())


def test_bf16_autocast_wrapper_keeps_float32_weights_and_gradients():
    model = torch.nn.Linear(4, 2)
    wrapper = CPUBF16AutocastOptimWrapper(optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    before = model.weight.detach().clone()
    with wrapper.optim_context(model):
        output = model(torch.randn(3, 4))
        loss = output.float().pow(2).mean()
    assert output.dtype == torch.bfloat16
    wrapper.update_params(loss)
    assert model.weight.dtype == torch.float32
    assert not torch.equal(model.weight, before)
    with torch.no_grad():
        assert model(torch.randn(3, 4)).dtype == torch.float32  # autocast ends with the context


def test_amp_refuses_cuda_only_wrapper_and_unknown_wrappers_on_cpu():
    train_tool = load_train_tool()
    with pytest.raises(ValueError, match='AmpOptimWrapper needs CUDA'):
        train_tool.enable_amp(Config(dict(optim_wrapper=dict(type='AmpOptimWrapper'))))
    with pytest.raises(ValueError, match='only supported when optim_wrapper.type is OptimWrapper'):
        train_tool.enable_amp(Config(dict(optim_wrapper=dict(type='OptimWrapperDict'))))


def test_resume_argument_resolution(tmp_path):
    train_tool = load_train_tool()
    checkpoint = tmp_path / 'iter_7.pth'
    checkpoint.write_bytes(b'')
    cfg = Config(dict(work_dir=str(tmp_path / 'empty'), load_from='pretrained.pth'))

    train_tool.configure_resume(cfg, train_tool.parse_args(['c.py', '--resume']).resume)
    assert (cfg.resume, cfg.load_from) == (False, 'pretrained.pth')  # nothing to resume yet

    (tmp_path / 'last_checkpoint').write_text(str(checkpoint))
    cfg.work_dir = str(tmp_path)
    train_tool.configure_resume(cfg, 'auto')
    assert (cfg.resume, cfg.load_from) == (True, str(checkpoint))

    cfg.load_from = 'pretrained.pth'
    train_tool.configure_resume(cfg, train_tool.parse_args(['c.py', '--resume', str(checkpoint)]).resume)
    assert (cfg.resume, cfg.load_from) == (True, str(checkpoint))

    with pytest.raises(FileNotFoundError, match='missing.pth'):
        train_tool.configure_resume(cfg, str(tmp_path / 'missing.pth'))


@pytest.mark.parametrize('device, bf16, requested, expected', [
    ('cpu', False, 'auto', 'bfloat16'),
    ('cpu', False, 'bfloat16', 'bfloat16'),
    ('cuda', True, 'auto', 'bfloat16'),
    ('cuda', False, 'auto', 'float16'),
    ('cuda', True, 'float16', 'float16'),
])
def test_amp_dtype_is_bfloat16_where_supported_else_float16(monkeypatch, device, bf16, requested, expected):
    train_tool = load_train_tool()
    monkeypatch.setattr(torch.cuda, 'is_bf16_supported', lambda *args, **kwargs: bf16)
    assert train_tool.amp_dtype(requested, device) == expected


def test_amp_dtype_the_device_cannot_train_with_is_refused_with_the_alternative(monkeypatch):
    train_tool = load_train_tool()
    monkeypatch.setattr(torch.cuda, 'is_bf16_supported', lambda *args, **kwargs: False)
    with pytest.raises(ValueError, match='use --amp-dtype bfloat16'):
        train_tool.amp_dtype('float16', 'cpu')
    with pytest.raises(ValueError, match='use --amp-dtype float16'):
        train_tool.amp_dtype('bfloat16', 'cuda')


def test_amp_on_a_gpu_builds_amp_optim_wrapper_with_the_chosen_dtype_and_logs_it(monkeypatch):
    train_tool = load_train_tool()
    logged = []
    monkeypatch.setattr(train_tool, 'print_log', lambda message, **kwargs: logged.append(message))
    monkeypatch.setattr(train_tool, 'get_device', lambda: 'cuda')
    monkeypatch.setattr(torch.cuda, 'is_bf16_supported', lambda *args, **kwargs: True)
    cfg = Config(dict(optim_wrapper=dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.1))))
    assert train_tool.enable_amp(cfg) == 'bfloat16'
    assert (cfg.optim_wrapper.type, cfg.optim_wrapper.dtype, cfg.optim_wrapper.loss_scale) == \
        ('AmpOptimWrapper', 'bfloat16', 'dynamic')
    cfg = Config(dict(optim_wrapper=dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.1))))
    assert train_tool.enable_amp(cfg, 'float16') == 'float16' and cfg.optim_wrapper.dtype == 'float16'
    assert logged == ['--amp: bfloat16 autocast on cuda (AmpOptimWrapper, --amp-dtype auto)',
                      '--amp: float16 autocast on cuda (AmpOptimWrapper, --amp-dtype float16)']


def test_amp_run_logs_its_dtype(tiny_training_run):
    assert '--amp: bfloat16 autocast on cpu (CPUBF16AutocastOptimWrapper, --amp-dtype auto)' in tiny_training_run.output


def test_amp_dtype_without_amp_is_refused(tmp_path):
    train_tool = load_train_tool()
    with pytest.raises(ValueError, match='pass --amp too'):
        train_tool.main([str(REPO_ROOT / 'configs/demo/erm_deeplabv3_r18hw_synthstreets.py'), '--amp-dtype',
                         'float16', '--work-dir', str(tmp_path)])


def test_amp_dtype_parses_and_defaults_to_auto():
    train_tool = load_train_tool()
    assert train_tool.parse_args(['config.py', '--amp']).amp_dtype == 'auto'
    assert train_tool.parse_args(['config.py', '--amp', '--amp-dtype', 'bfloat16']).amp_dtype == 'bfloat16'
    with pytest.raises(SystemExit):
        train_tool.parse_args(['config.py', '--amp', '--amp-dtype', 'half'])

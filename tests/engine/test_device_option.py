"""``--device``: CUDA by default when available, devices that are not here refused with the fix."""
import argparse

import pytest
import torch

from slim_mmseg.engine.device_option import add_device_argument, parse_device


def parser():
    result = argparse.ArgumentParser()
    add_device_argument(result)
    return result


def test_default_is_cuda_when_available(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    assert parser().parse_args([]).device == torch.device('cpu')
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    monkeypatch.setattr(torch.cuda, 'device_count', lambda: 2)
    assert parser().parse_args([]).device == torch.device('cuda')
    assert parser().parse_args(['--device', 'cuda:1']).device == torch.device('cuda', 1)
    assert parser().parse_args(['--device', 'cpu']).device == torch.device('cpu')


@pytest.mark.parametrize('text, available, message', [
    ('cuda', False, 'no CUDA device is visible here .* use --device cpu'),
    ('cuda:2', True, r'only 2 CUDA device\(s\) are visible \(cuda:0 to cuda:1\)'),
    ('gpu', True, 'not a torch device; e.g. cpu, cuda, cuda:1'),
    ('mps', True, 'the tools run on cpu or cuda devices'),
])
def test_devices_that_are_not_here_are_refused_with_the_fix(monkeypatch, text, available, message):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: available)
    monkeypatch.setattr(torch.cuda, 'device_count', lambda: 2)
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        parse_device(text)

"""PretrainedWeightsHook: offline, training stops before init_weights with the file to place and
the --cfg-options key (wrapper-aware); cached files and test runs pass untouched."""
from types import SimpleNamespace
from urllib.error import URLError

import pytest
import torch
from mmengine.model import BaseModule
from mmengine.runner import BaseLoop
from torch import nn

from slim_mmseg.engine.pretrained_weights_hook import PretrainedWeightsHook
from slim_mmseg.models.pretrained_urls import cached_path, checkpoint_url


class Backbone(BaseModule):
    def __init__(self, checkpoint):
        super().__init__(init_cfg=dict(type='Pretrained', checkpoint=checkpoint))
        self.conv = nn.Conv2d(1, 1, 1)


class Segmentor(nn.Module):
    def __init__(self, checkpoint):
        super().__init__()
        self.backbone = Backbone(checkpoint)


class Wrapper(nn.Module):  # like SLIMAdvStyle: the segmentor lives in .model
    def __init__(self, checkpoint):
        super().__init__()
        self.model = Segmentor(checkpoint)


class TrainLoop(BaseLoop):
    def run(self):
        pass


def training_runner(model):
    return SimpleNamespace(model=model, _train_loop=TrainLoop(SimpleNamespace(), []))


@pytest.fixture
def offline(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(tmp_path / 'hub'))

    def no_network(url, path, progress=True):
        raise URLError('network unreachable')
    monkeypatch.setattr(torch.hub, 'download_url_to_file', no_network)
    return tmp_path


def test_offline_error_names_the_file_and_the_wrapper_option(offline):
    url = checkpoint_url('open-mmlab://resnet101_v1c')
    with pytest.raises(FileNotFoundError) as error:
        PretrainedWeightsHook().before_run(training_runner(Wrapper('open-mmlab://resnet101_v1c')))
    message = str(error.value)
    assert url in message and cached_path(url) in message
    assert str(offline / 'hub' / 'checkpoints') in cached_path(url)
    assert '--cfg-options model.model.backbone.init_cfg.checkpoint=' in message


def test_plain_segmentor_gets_the_plain_option(offline):
    with pytest.raises(FileNotFoundError, match=r'model\.backbone\.init_cfg\.checkpoint'):
        PretrainedWeightsHook().before_run(training_runner(Segmentor('torchvision://resnet101')))


def test_cached_weights_need_no_network(offline):
    path = cached_path(checkpoint_url('open-mmlab://resnet50_v1c'))
    (offline / 'hub' / 'checkpoints').mkdir(parents=True)
    open(path, 'wb').close()
    PretrainedWeightsHook().before_run(training_runner(Segmentor('open-mmlab://resnet50_v1c')))


def test_missing_local_file_is_named(tmp_path):
    missing = str(tmp_path / 'r101.pth')
    with pytest.raises(FileNotFoundError, match='r101.pth does not exist'):
        PretrainedWeightsHook().before_run(training_runner(Segmentor(missing)))


def test_testing_does_not_need_pretrained_weights(offline):
    runner = SimpleNamespace(model=Segmentor('open-mmlab://resnet101_v1c'), _train_loop=None)
    PretrainedWeightsHook().before_run(runner)


def test_unknown_scheme_name_lists_known_ones():
    with pytest.raises(KeyError, match='resnet101_v1c'):
        checkpoint_url('open-mmlab://resnet101_v9')

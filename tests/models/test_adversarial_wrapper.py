"""What the three training wrappers share (``AdversarialWrapper``): the network accessor, the
preamble, distinct derived random streams, the resumable non-finite count, the SLIM draw log
entries as real draws and frequencies, and the logging-interval switch."""
import copy

import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmengine.structures import BaseDataElement
from torch import nn

import slim_mmseg.openmmlab  # noqa: F401  (registration)
from mmseg.registry import MODELS
from seg_batch import random_seg_batch
from slim_mmseg.core import SLIMDraw
from slim_mmseg.models import AdversarialWrapper, network_of
from slim_mmseg.models.adversarial_wrapper import derived_streams, slim_log_vars
from mmseg.utils import register_all_modules

register_all_modules(init_default_scope=True)

AT_LAYERS = ['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4']
NORM = dict(type='BN', requires_grad=True)
SEG_LAYERS = ['backbone.layer2', 'backbone.layer3']


def classifier_cfg():
    return dict(type='ImageClassifier', num_classes=4, in_channels=32,
                backbone=dict(type='CIFARResNet', blocks=(1, 1, 1, 1), base_width=4),
                data_preprocessor=dict(type='ImgDataPreprocessor', mean=[0.] * 3, std=[255.] * 3),
                input_mean=[0.5] * 3, input_std=[0.25] * 3)


def segmentor_cfg():
    return dict(
        type='EncoderDecoder',
        data_preprocessor=dict(type='SegDataPreProcessor', mean=[123.675, 116.28, 103.53],
                               std=[58.395, 57.12, 57.375], bgr_to_rgb=True, size=(32, 32)),
        backbone=dict(type='ResNetV1c', depth=18, base_channels=8, stem_channels=8, out_indices=(0, 1, 2, 3),
                      dilations=(1, 1, 2, 4), strides=(1, 2, 1, 1), norm_cfg=NORM, contract_dilation=True),
        decode_head=dict(type='FCNHead', in_channels=64, in_index=3, channels=8, num_convs=1, num_classes=4,
                         norm_cfg=NORM, dropout_ratio=0.0, align_corners=False,
                         loss_decode=dict(type='CrossEntropyLoss', loss_weight=1.0)),
        train_cfg=dict(), test_cfg=dict(mode='whole'))


def at(objective='PGDAT', **kwargs):
    torch.manual_seed(0)
    return MODELS.build(dict(type='AdversarialTraining', model=classifier_cfg(), objective=dict(type=objective),
                             attack=dict(steps=2), slim=dict(layers=AT_LAYERS), seed=0, **kwargs))


def asa(**kwargs):
    torch.manual_seed(0)
    return MODELS.build(dict(type='StyleAugmented', model=segmentor_cfg(),
                             augmentation=dict(type='ASA', positions=['backbone.layer1'], seed=0),
                             slim=dict(layers=SEG_LAYERS, seed=0), **kwargs)).train()


def advstyle(**kwargs):
    torch.manual_seed(0)
    return MODELS.build(dict(type='SLIMAdvStyle', model=segmentor_cfg(), adversary=dict(step_size=0.1),
                             slim=dict(layers=SEG_LAYERS, seed=0), **kwargs)).train()


def cls_batch(seed=3, count=4):
    generator = torch.Generator().manual_seed(seed)
    images = torch.rand(count, 3, 8, 8, generator=generator)
    return dict(inputs=[(255 * image).round().to(torch.uint8) for image in images],
                data_samples=[BaseDataElement(gt_label=label) for label in torch.arange(count) % 4])


BUILDERS = dict(AdversarialTraining=at, StyleAugmented=asa, SLIMAdvStyle=advstyle)
BATCHES = dict(AdversarialTraining=cls_batch, StyleAugmented=lambda seed=0: random_seg_batch(seed=seed),
               SLIMAdvStyle=lambda seed=0: random_seg_batch(seed=seed))


@pytest.mark.parametrize('name', list(BUILDERS))
def test_network_is_the_wrapped_model_for_every_wrapper_and_through_ddp(name):
    model = BUILDERS[name]()
    assert isinstance(model, AdversarialWrapper) and model.network is model.model
    assert network_of(model) is model.model
    from mmengine.model import MMDistributedDataParallel
    ddp = MMDistributedDataParallel.__new__(MMDistributedDataParallel)  # no process group needed
    nn.Module.__init__(ddp)
    ddp.module = model
    assert network_of(ddp) is model.model
    plain = model.model
    assert network_of(plain) is plain


def test_model_loading_unwraps_adversarial_training_too():
    from tools.analysis.model_loading import unwrapped
    model = at()
    assert unwrapped(model) is model.model


@pytest.mark.parametrize('name', list(BUILDERS))
def test_gradient_accumulation_is_refused_before_any_work(name):
    model = BUILDERS[name]()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1), accumulative_counts=2)
    with pytest.raises(ValueError, match='accumulative_counts > 1'):
        model.train_step(BATCHES[name](), optim)


def test_streams_are_seeded_by_name_decisions_agree_across_ranks_noise_does_not(monkeypatch):
    from slim_mmseg.models import adversarial_wrapper
    first = derived_streams(0, decisions=('slim',), noise=('random_start',))
    again = derived_streams(0, decisions=('slim',), noise=('random_start',))
    other = derived_streams(1, decisions=('slim',), noise=('random_start',))
    states = {n: first[n].get_state() for n in ('slim', 'random_start')}
    assert not torch.equal(states['slim'], states['random_start'])
    assert all(torch.equal(states[n], again[n].get_state()) for n in states)
    assert not any(torch.equal(states[n], other[n].get_state()) for n in states)
    monkeypatch.setattr(adversarial_wrapper, 'get_dist_info', lambda: (3, 4))
    rank3 = derived_streams(0, decisions=('slim',), noise=('random_start',))
    assert torch.equal(rank3['slim'].get_state(), states['slim'])
    assert not torch.equal(rank3['random_start'].get_state(), states['random_start'])


def test_style_augmented_slim_stream_no_longer_shares_the_first_style_modules_seed():
    model = asa()
    module = model.augmentation.module_at('backbone.layer1')
    assert not torch.equal(torch.rand(16, generator=copy.deepcopy(module.generator)),
                           torch.rand(16, generator=copy.deepcopy(model.random_streams['slim'])))
    assert model.slim.sampler.generator is model.random_streams['slim']


def test_a_seed_given_twice_is_refused():
    with pytest.raises(ValueError, match='seed is given twice'):
        asa(seed=3)


@pytest.mark.parametrize('name', list(BUILDERS))
def test_resume_equals_the_uninterrupted_run_including_the_non_finite_count(name, monkeypatch):
    """Two steps straight, or one step, state dict into a fresh model, one step."""
    hub = MessageHub.get_current_instance()
    hub.update_info('iter', 0)

    def train(model, seeds):
        optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.05))
        return [model.train_step(BATCHES[name](seed=s), optim) for s in seeds]

    straight = BUILDERS[name]()
    straight.count_nonfinite(2)  # as if two ascents had gone non-finite before
    train(straight, [0, 1])
    first = BUILDERS[name]()
    first.count_nonfinite(2)
    train(first, [0])
    state = copy.deepcopy(first.state_dict())
    resumed = BUILDERS[name]()
    resumed.load_state_dict(state)
    log = train(resumed, [1])[-1]
    assert resumed.nonfinite_steps == straight.nonfinite_steps == 2
    for (key, value), (_, other) in zip(straight.state_dict().items(), resumed.state_dict().items()):
        assert torch.equal(value, other), key
    assert 'slim_lambda' in log


def test_slim_log_entries_are_real_draws_and_their_window_average_a_real_frequency():
    from mmengine.logging import HistoryBuffer
    layers, losses = ('a', 'b', 'c'), ('mse', 'ortho', 'reverse')
    draws = [SLIMDraw.fixed(layer, loss, weight, losses, layers.index(layer))
             for layer, loss, weight in (('b', 'ortho', 0.5), ('a', 'ortho', -0.25), ('b', 'mse', 1.0),
                                         ('b', 'reverse', 0.0))]
    buffers = {}
    for draw in draws:
        entries = slim_log_vars(draw, layers, losses)
        assert sum(entries[f'slim_layer/{layer}'].item() for layer in layers) == 1.0
        assert entries[f'slim_layer/{draw.layer}'] == 1.0 and entries[f'slim_loss/{draw.loss_name}'] == 1.0
        for key, value in entries.items():
            buffers.setdefault(key, HistoryBuffer()).update(value.item())
    # what mmengine's log processor prints: the window mean
    assert buffers['slim_layer/b'].mean(4) == 0.75 and buffers['slim_layer/c'].mean(4) == 0.0
    assert buffers['slim_loss/ortho'].mean(4) == 0.5
    assert buffers['slim_lambda'].mean(4) == pytest.approx(0.3125)


def test_slim_log_entries_of_per_sample_draws_are_the_batch_shares():
    draw = SLIMDraw('a', 0, ('mse', 'ortho', 'reverse'), torch.tensor([0, 2, 2, 1]),
                    torch.tensor([0.5, -0.5, 1.0, 0.0]), 'sample')
    entries = slim_log_vars(draw, ('a',), ('mse', 'ortho', 'reverse'))
    assert [entries[f'slim_loss/{n}'].item() for n in ('mse', 'ortho', 'reverse')] == [0.25, 0.25, 0.5]
    assert entries['slim_lambda'].item() == 0.25


@pytest.mark.parametrize('iteration,measured', [(48, False), (49, True), (99, True), (100, False)])
def test_the_strength_is_measured_at_the_end_of_each_logging_interval_only(iteration, measured):
    model = asa()
    MessageHub.get_current_instance().update_info('iter', iteration)
    try:
        assert model.measuring_step() == measured
        log = model.train_step(random_seg_batch(), OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.0)))
        assert ('slim_ratio' in log) == (measured and not log['slim_skipped'])
    finally:
        MessageHub.get_current_instance().update_info('iter', 0)
    with pytest.raises(ValueError, match='log_interval must be >= 1'):
        asa(log_interval=0)


def with_slim(name, wrapper=(), **settings):
    """A wrapper of type ``name`` whose ``slim`` dict carries ``settings`` (``scale``, ``draw``...);
    ASA always takes the AdvStyle branch, so that every draw reaches a control factor."""
    torch.manual_seed(0)
    if name == 'AdversarialTraining':
        cfg = dict(type=name, model=classifier_cfg(), objective=dict(type='PGDAT'), attack=dict(steps=2), seed=0,
                   slim=dict(layers=AT_LAYERS, **settings))
    elif name == 'StyleAugmented':
        cfg = dict(type=name, model=segmentor_cfg(),
                   augmentation=dict(type='ASA', positions=['backbone.layer1'], seed=0,
                                     branch_probabilities=(0.0, 1.0, 0.0)),
                   slim=dict(layers=SEG_LAYERS, seed=0, **settings))
    else:
        cfg = dict(type=name, model=segmentor_cfg(), adversary=dict(step_size=0.1),
                   slim=dict(layers=SEG_LAYERS, seed=0, **settings))
    return MODELS.build(dict(cfg, **dict(wrapper))).train()


@pytest.mark.parametrize('name', list(BUILDERS))
@pytest.mark.parametrize('settings,message', [(dict(scale='literal'), 'valid: mean, paper, balanced'),
                                              (dict(draw='pixel'), 'valid: batch, sample')])
def test_an_unknown_scale_or_draw_in_the_config_fails_at_build_time_naming_the_valid_ones(name, settings, message):
    with pytest.raises(ValueError, match=message):
        with_slim(name, **settings)


@pytest.mark.parametrize('name', list(BUILDERS))
def test_scale_and_draw_reach_the_core_of_every_family(name, monkeypatch):
    """The SLIM term the core receives carries the configured scale and a per-sample draw."""
    seen = []
    if name == 'StyleAugmented':
        from slim_mmseg.core.style_modules import slim_control
        original = slim_control.SLIMTerm

        def recording(draw, clean=None, scale='mean'):
            seen.append((scale, draw.mode, draw.weights.numel()))
            return original(draw, clean, scale)

        monkeypatch.setattr(slim_control, 'SLIMTerm', recording)
        model = with_slim(name, scale='paper', draw='sample')
        assert model.slim.scale == 'paper'
    else:
        from slim_mmseg.core import adversarial_style
        from slim_mmseg.models import adversarial_training
        module = adversarial_training if name == 'AdversarialTraining' else adversarial_style
        original = module.ascend

        def recording(*args, slim=None, **kwargs):
            seen.append((slim.scale, slim.draw.mode, slim.draw.weights.numel()))
            return original(*args, slim=slim, **kwargs)

        monkeypatch.setattr(module, 'ascend', recording)
        model = with_slim(name, scale='paper', draw='sample')
    MessageHub.get_current_instance().update_info('iter', 0)
    batch = BATCHES[name]()
    model.train_step(batch, OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.0)))
    count = len(batch['inputs'])
    assert seen and seen[0] == ('paper', 'sample', count)


@pytest.mark.parametrize('name', list(BUILDERS))
def test_the_logged_ratio_is_exactly_lambda_under_balanced_and_only_at_logging_intervals(name):
    """With 'balanced' the SLIM part of the gradient is |lambda| times the task's by construction:
    the logged median ratio equals the configured |lambda| (a value check of the passthrough)."""
    model = with_slim(name, wrapper=dict(log_interval=2), scale='balanced', lambda_range=(-0.5, -0.5))
    hub = MessageHub.get_current_instance()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.0))
    logs = []
    try:
        for iteration in range(4):
            hub.update_info('iter', iteration)
            logs.append(model.train_step(BATCHES[name](seed=iteration), optim))
    finally:
        hub.update_info('iter', 0)
    assert [('slim_ratio' in log) for log in logs] == [False, True, False, True]
    for log in logs:
        if 'slim_ratio' in log:
            assert log['slim_ratio'].item() == pytest.approx(0.5, rel=1e-4)
        assert 'slim_zero_gradients' in log

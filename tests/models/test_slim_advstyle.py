"""SLIMAdvStyle around real mmseg segmentors: the outer update, logging, build-time errors, resume."""
import copy

import pytest
import torch
from mmengine.config import ConfigDict
from mmengine.optim import OptimWrapper
from mmseg.registry import MODELS
from mmseg.utils import register_all_modules

import slim_mmseg.openmmlab  # noqa: F401  (registers SLIMAdvStyle)
from seg_batch import random_seg_batch

register_all_modules(init_default_scope=True)

NORM = dict(type='BN', requires_grad=True)
PREPROCESSOR = dict(type='SegDataPreProcessor', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
                    bgr_to_rgb=True, pad_val=0, seg_pad_val=255, size=(32, 32))
LAYERS = ['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'backbone.layer4']


def deeplab_cfg():
    return dict(
        type='EncoderDecoder', data_preprocessor=PREPROCESSOR,
        backbone=dict(type='ResNetV1c', depth=18, base_channels=8, stem_channels=8, out_indices=(0, 1, 2, 3),
                      dilations=(1, 1, 2, 4), strides=(1, 2, 1, 1), norm_cfg=NORM, contract_dilation=True),
        decode_head=dict(type='ASPPHead', in_channels=64, in_index=3, channels=16, dilations=(1, 2, 3, 4),
                         num_classes=4, norm_cfg=NORM, align_corners=False,
                         loss_decode=dict(type='CrossEntropyLoss', loss_weight=1.0)),
        auxiliary_head=dict(type='FCNHead', in_channels=32, in_index=2, channels=8, num_convs=1, num_classes=4,
                            concat_input=False, norm_cfg=NORM, align_corners=False,
                            loss_decode=dict(type='CrossEntropyLoss', loss_weight=0.4)),
        train_cfg=dict(), test_cfg=dict(mode='whole'))


def slim_cfg(segmentor=None, **overrides):
    cfg = dict(type='SLIMAdvStyle', model=segmentor or deeplab_cfg(),
               adversary=dict(positions=['input'], step_size=0.1),
               slim=dict(layers=LAYERS, losses=['mse', 'ortho', 'reverse'], lambda_range=(-1.0, 1.0), seed=0))
    cfg.update(overrides)
    return cfg


def batch(seed=0):
    return random_seg_batch(seed=seed)


def build(cfg, seed=0):
    torch.manual_seed(seed)
    # decode heads default to dropout; exact gradient comparisons need it off
    for head in ('decode_head', 'auxiliary_head'):
        if head in cfg['model']:
            cfg['model'][head]['dropout_ratio'] = 0.0
    return MODELS.build(ConfigDict(cfg)).train()


class RecordingOptimWrapper(OptimWrapper):
    """Keeps the gradients the optimizer step sees."""

    def step(self, **kwargs):
        self.seen_grads = {n: None if p.grad is None else p.grad.clone() for n, p in self.named}
        super().step(**kwargs)


def optim_for(model):
    wrapper = RecordingOptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9))
    wrapper.named = list(model.named_parameters())
    return wrapper


def test_train_step_logs_clean_adversarial_and_slim_values():
    model = build(slim_cfg())
    log = model.train_step(batch(), optim_for(model))
    for key in ('decode.loss_ce', 'aux.loss_ce', 'adv.decode.loss_ce', 'adv.aux.loss_ce',
                'adv_objective', 'nonfinite_steps', 'slim_lambda', *(f'slim_layer/{layer}' for layer in LAYERS),
                'slim_loss/mse', 'slim_loss/ortho', 'slim_loss/reverse'):
        assert key in log, key
    summed = sum(v for k, v in log.items() if k.startswith(('decode.loss', 'aux.loss', 'adv.decode.loss',
                                                            'adv.aux.loss')))
    assert log['loss'].item() == pytest.approx(summed.item(), rel=1e-5)
    assert -1.0 <= log['slim_lambda'].item() <= 1.0
    # one-hot indicators: what the log processor averages is a frequency, and one step is a draw
    assert sorted(log[f'slim_layer/{layer}'].item() for layer in LAYERS) == [0.0, 0.0, 0.0, 1.0]
    assert sorted(log[f'slim_loss/{loss}'].item() for loss in ('mse', 'ortho', 'reverse')) == [0.0, 0.0, 1.0]


def test_every_trainable_parameter_gets_a_finite_gradient_from_the_outer_loss():
    model = build(slim_cfg())
    optim = optim_for(model)
    model.train_step(batch(), optim)
    for name, param in model.named_parameters():
        if param.requires_grad:
            grad = optim.seen_grads[name]
            assert grad is not None, f'{name} got no gradient'
            assert torch.isfinite(grad).all(), name
            assert grad.abs().sum() > 0, f'{name} got an all-zero gradient'


def test_outer_gradient_is_clean_plus_adversarial_gradient():
    """The expected gradient is built by hand (statistics, random start, one sign step of
    L_task + lambda * mse at a fixed draw, re-styling), not with the adversary under test."""
    eps, step_size, weight, layer = 1e-6, 0.1, 0.7, 'backbone.layer2'
    model = build(slim_cfg(adv_loss_weight=0.5,
                           slim=dict(layers=[layer], losses=['mse'], lambda_range=(weight, weight), seed=0)))
    reference = copy.deepcopy(model)
    optim = optim_for(model)
    data = batch()
    model.train_step(data, optim)

    network = reference.model
    data_p = reference.data_preprocessor(data, True)
    x, samples = data_p['inputs'], data_p['data_samples']

    def task(inputs):
        return reference.parse_losses(network(inputs, samples, mode='loss'))[0]

    def statistics(t):
        return t.mean((2, 3), keepdim=True), (t.var((2, 3), unbiased=False, keepdim=True) + eps).sqrt()

    def restyled(mean, std):
        own_mean, own_std = statistics(x)
        return (x - own_mean) / own_std * std + mean

    features = []
    hook = network.get_submodule(layer).register_forward_hook(lambda m, i, o: features.append(o))
    clean = task(x)
    clean_feature = features.pop().detach()
    mean0, std0 = statistics(x)
    generator = reference.random_streams['random_start']
    mean = (mean0 + (2 * torch.rand(mean0.shape, generator=generator) - 1) * 0.05).detach().requires_grad_()
    std = (std0 + (2 * torch.rand(std0.shape, generator=generator) - 1) * 0.05).clamp(min=eps).detach()
    std.requires_grad_()
    frozen = copy.deepcopy(network)  # batch statistics in the inner loop, buffers untouched
    frozen_features = []
    frozen.get_submodule(layer).register_forward_hook(lambda m, i, o: frozen_features.append(o))
    objective = (reference.parse_losses(frozen(restyled(mean, std), samples, mode='loss'))[0]
                 + weight * ((frozen_features.pop() - clean_feature) ** 2).mean())
    grad_mean, grad_std = torch.autograd.grad(objective, (mean, std))
    with torch.no_grad():
        mean_adv = mean + step_size * grad_mean.sign()
        std_adv = (std + step_size * grad_std.sign()).clamp(min=eps)
    adv = task(restyled(mean_adv, std_adv))
    hook.remove()
    (clean + 0.5 * adv).backward()
    for name, param in reference.named_parameters():
        assert torch.allclose(param.grad, optim.seen_grads[name], rtol=1e-3, atol=1e-6), name


def test_only_the_two_outer_passes_update_batchnorm_statistics():
    model = build(slim_cfg(adversary=dict(positions=['input'], steps=3, step_size=0.1)))
    bn = model.model.backbone.layer1[0].bn1
    model.train_step(batch(), optim_for(model))
    assert int(bn.num_batches_tracked) == 2


def test_adversary_off_is_a_plain_erm_step():
    model = build(slim_cfg())
    model.adversarial_enabled = False
    log = model.train_step(batch(), optim_for(model))
    assert not any(k.startswith('adv') or k.startswith('slim') for k in log)


def test_two_seeded_runs_give_identical_losses():
    def losses():
        model = build(slim_cfg(), seed=3)
        optim = optim_for(model)
        return [model.train_step(batch(seed=s), optim)['loss'].item() for s in range(3)]

    assert losses() == losses()


def test_resume_continues_the_same_draws():
    model = build(slim_cfg())
    optim = optim_for(model)
    model.train_step(batch(seed=0), optim)
    state = copy.deepcopy(model.state_dict())
    expected = [model.adversary.draw() for _ in range(5)]
    resumed = build(slim_cfg(slim=dict(layers=LAYERS, seed=99)))
    resumed.load_state_dict(state)
    assert [resumed.adversary.draw() for _ in range(5)] == expected


def test_config_errors_fail_at_build_time():
    with pytest.raises(ValueError, match=r"unknown SLIM candidate layer 'backbone.layer5'.*backbone.layer4"):
        build(slim_cfg(slim=dict(layers=['backbone.layer5'])))
    with pytest.raises(KeyError, match='registered: mse, ortho, reverse'):
        build(slim_cfg(slim=dict(layers=LAYERS, losses=['cosine'])))
    with pytest.raises(ValueError, match="unknown style position 'backbone.stage1'"):
        build(slim_cfg(adversary=dict(positions=['backbone.stage1'])))


def test_feature_level_positions_train():
    model = build(slim_cfg(adversary=dict(positions=['backbone.layer1', 'backbone.layer2'], step_size=0.1)))
    log = model.train_step(batch(), optim_for(model))
    assert torch.isfinite(log['adv.decode.loss_ce'])


def test_predict_is_the_wrapped_models():
    model = build(slim_cfg()).eval()
    data = model.data_preprocessor(batch(), False)
    with torch.no_grad():
        ours = model(data['inputs'], data['data_samples'], mode='predict')
        theirs = model.model(data['inputs'], data['data_samples'], mode='predict')
    assert torch.equal(ours[0].pred_sem_seg.data, theirs[0].pred_sem_seg.data)


def test_a_backbone_the_project_never_uses_mit_segformer():
    """Any mmseg segmentor turns into SLIM-AdvStyle by config alone: here SegFormer's MiT."""
    segformer = dict(
        type='EncoderDecoder', data_preprocessor=PREPROCESSOR,
        backbone=dict(type='MixVisionTransformer', in_channels=3, embed_dims=8, num_stages=4,
                      num_layers=[1, 1, 1, 1], num_heads=[1, 2, 4, 8], patch_sizes=[7, 3, 3, 3],
                      sr_ratios=[8, 4, 2, 1], out_indices=(0, 1, 2, 3), mlp_ratio=2),
        decode_head=dict(type='SegformerHead', in_channels=[8, 16, 32, 64], in_index=[0, 1, 2, 3], channels=16,
                         num_classes=4, norm_cfg=NORM, align_corners=False,
                         loss_decode=dict(type='CrossEntropyLoss', loss_weight=1.0)),
        train_cfg=dict(), test_cfg=dict(mode='whole'))
    cfg = slim_cfg(segformer, slim=dict(layers=['backbone.layers.0.2', 'backbone.layers.2.2'], seed=0))
    model = build(cfg)
    optim = optim_for(model)
    log = model.train_step(batch(), optim)
    assert torch.isfinite(log['adv.decode.loss_ce'])
    assert all(optim.seen_grads[n] is not None for n, p in model.named_parameters() if p.requires_grad)


def test_runner_level_data_preprocessor_goes_to_the_wrapped_model():
    """mmengine's Runner passes a config's top-level data_preprocessor to the model it builds."""
    segmentor = deeplab_cfg()
    preprocessor = segmentor.pop('data_preprocessor')
    model = build(slim_cfg(segmentor, data_preprocessor=dict(preprocessor, size=(48, 48))))
    assert model.data_preprocessor is model.model.data_preprocessor
    assert tuple(model.data_preprocessor.size) == (48, 48)
    # the wrapped model's own preprocessor wins over the runner's
    model = build(slim_cfg(data_preprocessor=dict(type='SegDataPreProcessor', size=(8, 8))))
    assert tuple(model.data_preprocessor.size) == (32, 32)


def test_checkpoint_of_the_packed_form_still_resumes():
    """slim-mmseg 0.1 stored the adversary's random states as one tensor in ``_extra_state``."""
    model = build(slim_cfg())
    model.train_step(batch(seed=0), optim_for(model))
    state = {k: v for k, v in model.state_dict().items()
             if not k.startswith('random_streams.') and k != 'nonfinite_count'}
    streams = model.random_streams
    state['_extra_state'] = torch.cat([streams['random_start'].get_state(), streams['slim'].get_state(),
                                       torch.tensor([2], dtype=torch.int64).view(torch.uint8)])
    expected = [model.adversary.draw() for _ in range(5)]
    resumed = build(slim_cfg(slim=dict(layers=LAYERS, seed=99)))
    resumed.load_state_dict(state)
    assert [resumed.adversary.draw() for _ in range(5)] == expected
    assert resumed.nonfinite_steps == 2
    plain = build(slim_cfg(slim=None))
    with pytest.raises(ValueError, match='different SLIM setting'):
        plain.load_state_dict(state)


def test_checkpoint_of_the_named_adversary_form_still_resumes():
    """Checkpoints before the wrapper base kept the streams and count under ``adversary_state.``."""
    model = build(slim_cfg())
    model.train_step(batch(seed=0), optim_for(model))
    state = {k: v for k, v in model.state_dict().items()
             if not k.startswith('random_streams.') and k != 'nonfinite_count'}
    for name in ('random_start', 'slim'):
        state[f'adversary_state.streams.{name}._extra_state'] = model.random_streams[name].get_state()
    state['adversary_state.nonfinite_count'] = torch.tensor(3)
    expected = [model.adversary.draw() for _ in range(5)]
    resumed = build(slim_cfg(slim=dict(layers=LAYERS, seed=99)))
    resumed.load_state_dict(state)
    assert [resumed.adversary.draw() for _ in range(5)] == expected
    assert resumed.nonfinite_steps == 3


def test_streams_have_distinct_seeds_and_the_draws_agree_across_ranks(monkeypatch):
    """The random start and the SLIM draws no longer share a seed; the start differs per rank,
    the draws (which decide what every rank computes) do not."""
    from slim_mmseg.models import adversarial_wrapper

    model = build(slim_cfg())
    start, slim = model.random_streams['random_start'], model.random_streams['slim']
    assert not torch.equal(torch.rand(8, generator=copy.deepcopy(start)), torch.rand(8, generator=copy.deepcopy(slim)))
    monkeypatch.setattr(adversarial_wrapper, 'get_dist_info', lambda: (1, 2))
    rank1 = build(slim_cfg())
    assert torch.equal(rank1.random_streams['slim'].get_state(), slim.get_state())
    assert not torch.equal(rank1.random_streams['random_start'].get_state(), start.get_state())

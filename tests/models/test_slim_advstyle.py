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
                'adv_objective', 'slim_layer', 'slim_loss', 'slim_lambda'):
        assert key in log, key
    summed = sum(v for k, v in log.items() if k.startswith(('decode.loss', 'aux.loss', 'adv.decode.loss',
                                                            'adv.aux.loss')))
    assert log['loss'].item() == pytest.approx(summed.item(), rel=1e-5)
    assert -1.0 <= log['slim_lambda'].item() <= 1.0
    assert 0 <= int(log['slim_layer']) < len(LAYERS)


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
    model = build(slim_cfg(adv_loss_weight=0.5))
    reference = copy.deepcopy(model)
    optim = optim_for(model)
    data = batch()
    model.train_step(data, optim)
    # recompute: same draw, same random start, from the reference copy
    data_p = reference.data_preprocessor(data, True)
    inputs, samples = data_p['inputs'], data_p['data_samples']
    adversary = reference.adversary
    draw = adversary.draw()
    with adversary.record_clean(reference.model, inputs, draw) as ref:
        clean = reference.parse_losses(reference.model(inputs, samples, mode='loss'))[0]
    style = adversary.generate(reference.model, inputs, ref, draw,
                               lambda x: reference.parse_losses(reference.model(x, samples, mode='loss'))[0])
    with adversary.apply(reference.model, inputs, style) as adv_inputs:
        adv = reference.parse_losses(reference.model(adv_inputs, samples, mode='loss'))[0]
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
    state = {k: v for k, v in model.state_dict().items() if not k.startswith('adversary_state.')}
    streams = model.adversary.state.streams
    state['_extra_state'] = torch.cat([streams['random_start'].get_state(), streams['slim'].get_state(),
                                       torch.tensor([2], dtype=torch.int64).view(torch.uint8)])
    expected = [model.adversary.draw() for _ in range(5)]
    resumed = build(slim_cfg(slim=dict(layers=LAYERS, seed=99)))
    resumed.load_state_dict(state)
    assert [resumed.adversary.draw() for _ in range(5)] == expected
    assert resumed.adversary.nonfinite_steps == 2
    plain = build(slim_cfg(slim=None))
    with pytest.raises(ValueError, match='different SLIM setting'):
        plain.load_state_dict(state)

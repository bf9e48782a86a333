"""StyleAugmented around real mmseg models: one config key, SLIM routing, resume, MiT, DDP."""
import copy
import json
import random

import pytest
import torch
from mmengine.config import Config, ConfigDict
from mmengine.optim import OptimWrapper
from mmseg.apis import init_model
from mmseg.registry import MODELS
from mmseg.utils import register_all_modules

import slim_mmseg.openmmlab  # noqa: F401  (registers StyleAugmented)
from seg_batch import random_seg_batch
from slim_mmseg.core.style_modules import ASA, DSU, MixStyle, PermutedAdaIN
from slim_mmseg.models import SLIMDistributedDataParallel
from state_dump_hook import load_state_dump

register_all_modules(init_default_scope=True)

NORM = dict(type='BN', requires_grad=True)
PREPROCESSOR = dict(type='SegDataPreProcessor', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
                    bgr_to_rgb=True, pad_val=0, seg_pad_val=255, size=(32, 32))
POSITIONS = ['backbone.layer1', 'backbone.layer2']
LAYERS = ['backbone.layer2', 'backbone.layer3', 'backbone.layer4']


def deeplab_cfg():
    return dict(
        type='EncoderDecoder', data_preprocessor=PREPROCESSOR,
        backbone=dict(type='ResNetV1c', depth=18, base_channels=8, stem_channels=8, out_indices=(0, 1, 2, 3),
                      dilations=(1, 1, 2, 4), strides=(1, 2, 1, 1), norm_cfg=NORM, contract_dilation=True),
        decode_head=dict(type='ASPPHead', in_channels=64, in_index=3, channels=16, dilations=(1, 2, 3, 4),
                         num_classes=4, norm_cfg=NORM, align_corners=False, dropout_ratio=0.0,
                         loss_decode=dict(type='CrossEntropyLoss', loss_weight=1.0)),
        train_cfg=dict(), test_cfg=dict(mode='whole'))


def wrapper_cfg(type='ASA', slim=True, **augmentation):
    return dict(type='StyleAugmented', model=deeplab_cfg(),
                augmentation=dict(type=type, positions=POSITIONS, seed=0, **augmentation),
                slim=dict(layers=LAYERS, seed=0) if slim else None)


def build(cfg):
    torch.manual_seed(0)
    return MODELS.build(ConfigDict(cfg)).train()


class RecordingOptimWrapper(OptimWrapper):
    """Keeps the gradients the optimizer step sees."""

    def step(self, **kwargs):
        self.seen_grads = {n: p.grad.clone() for n, p in self.named if p.grad is not None}
        super().step(**kwargs)


def optim_for(model, momentum=0.0):
    wrapper = RecordingOptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01, momentum=momentum))
    wrapper.named = list(model.named_parameters())
    return wrapper


@pytest.mark.parametrize('name,cls', [('ASA', ASA), ('DSU', DSU), ('MixStyle', MixStyle), ('pAdaIN', PermutedAdaIN)])
def test_one_key_chooses_the_module_and_training_runs(name, cls):
    model = build(wrapper_cfg(name, slim=False))
    assert all(isinstance(m, cls) for _, m in model.augmentation.items())
    assert [m.channels for _, m in model.augmentation.items()] == [8, 16]
    log = model.train_step(random_seg_batch(), optim_for(model))
    assert torch.isfinite(log['loss']) and 'slim_lambda' not in log
    # prediction goes to the segmentor, with the modules as identity
    model.eval()
    inputs = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        assert torch.equal(model(inputs), model.model(inputs))


def test_erm_is_the_bare_step():
    model = build(dict(type='StyleAugmented', model=deeplab_cfg()))
    plain = build(deeplab_cfg())
    model_log = model.train_step(random_seg_batch(), optim_for(model))
    plain_log = plain.train_step(random_seg_batch(), optim_for(plain))
    assert model.augmentation is None
    assert torch.equal(model_log['loss'], plain_log['loss'])


def test_slim_keeps_every_weight_gradient_of_asa_and_changes_the_factor_gradients():
    asa, slim = build(wrapper_cfg(slim=False)), build(wrapper_cfg())
    asa_optim, slim_optim = optim_for(asa), optim_for(slim)
    applied = 0
    for seed in range(3):
        asa.train_step(random_seg_batch(seed=seed), asa_optim)
        log = slim.train_step(random_seg_batch(seed=seed), slim_optim)
        for name, grad in asa_optim.seen_grads.items():
            if 'factor' not in name:
                assert torch.equal(grad, slim_optim.seen_grads[name]), name
        factors = [n for n in asa_optim.seen_grads if 'factor' in n]
        if not log['slim_skipped']:
            applied += 1
            assert any(not torch.equal(asa_optim.seen_grads[n], slim_optim.seen_grads[n]) for n in factors)
        assert {'slim_lambda', 'slim_skipped'} | {f'slim_layer/{layer}' for layer in LAYERS} <= set(log)
        assert sum(log[f'slim_layer/{layer}'] for layer in LAYERS) == 1.0
        assert -1 <= log['slim_lambda'] <= 1
    assert applied >= 1


def test_resume_continues_the_random_streams_and_slim_draws():
    model = build(wrapper_cfg())
    optim = optim_for(model)
    model.train_step(random_seg_batch(seed=0), optim)
    state = copy.deepcopy(model.state_dict())
    continued = model.train_step(random_seg_batch(seed=1), optim)

    resumed = build(wrapper_cfg())
    resumed.load_state_dict(state)
    saved_flag = state['augmentation.style_modules.' + POSITIONS[0].replace('.', '__') + '.initialized']
    assert bool(resumed.augmentation.module_at(POSITIONS[0]).initialized) == bool(saved_flag)
    again = resumed.train_step(random_seg_batch(seed=1), optim_for(resumed))
    for key in ('loss', *(f'slim_layer/{layer}' for layer in LAYERS), 'slim_lambda', 'slim_skipped'):
        assert torch.equal(continued[key], again[key]), key


def test_init_model_arguments_and_configuration_errors():
    cfg = Config(dict(model=wrapper_cfg()))
    cfg.model.model.data_preprocessor = PREPROCESSOR
    model = init_model(cfg, device='cpu')  # sets pretrained=None and train_cfg=None
    assert type(model).__name__ == 'StyleAugmented'
    with pytest.raises(ValueError, match='model.model.train_cfg'):
        build(dict(wrapper_cfg(), train_cfg=dict()))
    with pytest.raises(ValueError, match="type 'MixStyle' has none"):
        build(dict(wrapper_cfg('MixStyle')))
    with pytest.raises(ValueError, match='slim needs augmentation'):
        build(dict(type='StyleAugmented', model=deeplab_cfg(), slim=dict(layers=LAYERS)))
    with pytest.raises(ValueError, match='positions missing'):
        build(dict(type='StyleAugmented', model=deeplab_cfg(), augmentation=dict(type='DSU')))
    with pytest.raises(ValueError, match='Did you mean: backbone.layer1'):
        build(dict(type='StyleAugmented', model=deeplab_cfg(), augmentation=dict(type='DSU', positions=['backbone.layer_1'])))
    with pytest.raises(ValueError, match='sum to 1'):
        build(wrapper_cfg(branch_probabilities=(0.5, 0.5, 0.5)))
    with pytest.raises(ValueError, match="'backbone.stem' runs before every style position"):
        build(dict(wrapper_cfg(), slim=dict(layers=['backbone.stem'])))


def test_crossdomain_mixstyle_reads_the_domain_metainfo():
    model = build(wrapper_cfg('MixStyle', slim=False, p=1.0, mix='crossdomain'))
    batch = random_seg_batch(n=4)
    with pytest.raises(ValueError, match="'domain' metainfo"):
        model.train_step(batch, optim_for(model))
    for sample, domain in zip(batch['data_samples'], 'aabb'):
        sample.set_metainfo(dict(domain=domain))
    model.train_step(batch, optim_for(model))
    assert model.augmentation.module_at(POSITIONS[0]).domains.tolist() == [0, 0, 1, 1]


MIT_RECIPE = """
_base_ = ['mmseg::segformer/segformer_mit-b0_8xb2-160k_ade20k-512x512.py']
custom_imports = dict(imports=['slim_mmseg.openmmlab'], allow_failed_imports=False)
model = dict(
    _delete_=True,
    type='StyleAugmented',
    model={{_base_.model}},
    augmentation=dict(type='ASA', positions=['backbone.layers.0.0.projection', 'backbone.layers.1.0.projection']),
    slim=dict(layers=['backbone.layers.1.2', 'backbone.layers.2.2', 'backbone.layers.3.2']))
model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')
"""


def test_mmseg_segformer_takes_asa_with_slim(tmp_path):
    path = tmp_path / 'asa_segformer.py'
    path.write_text(MIT_RECIPE)
    cfg = Config.fromfile(str(path))
    cfg.model.model.data_preprocessor.size = (64, 64)
    model = build(cfg.model.to_dict())
    assert [m.channels for _, m in model.augmentation.items()] == [32, 64]
    optim = OptimWrapper(torch.optim.AdamW(model.parameters(), lr=1e-4))
    log = model.train_step(random_seg_batch(n=2, size=64, num_classes=150), optim)
    assert torch.isfinite(log['loss']) and 'slim_lambda' in log
    cfg.model.augmentation.positions = ['backbone.layers.0.1.0']  # a transformer block: (N, L, C) tokens
    with pytest.raises(ValueError, match=r"'backbone.layers.0.1.0' outputs \(1, 256, 32\), not an"):
        build(cfg.model.to_dict())


def test_ddp_wrapper_hands_the_step_to_the_model():
    class Recorder:
        def adversarial_train_step(self, data, optim_wrapper, outer_forward, defer_sync):
            return dict(outer=outer_forward, sync=defer_sync)

    ddp = SLIMDistributedDataParallel.__new__(SLIMDistributedDataParallel)
    object.__setattr__(ddp, '_modules', {'module': None})
    ddp.__dict__['module'] = Recorder()
    result = SLIMDistributedDataParallel.train_step(ddp, {}, None)
    assert result['outer'] is ddp


@pytest.mark.slow
def test_two_process_asa_slim_ranks_stay_identical(tiny_config_file, tool, tmp_path):
    cfg = Config.fromfile(tiny_config_file(max_iters=3, dump_state=True))
    cfg.model = dict(type='StyleAugmented', model=cfg.model,
                     augmentation=dict(type='ASA', positions=['backbone.layer1', 'backbone.layer2']),
                     slim=dict(layers=['backbone.layer2', 'backbone.layer3', 'backbone.layer4']))
    cfg.model_wrapper_cfg = dict(type='SLIMDistributedDataParallel')
    cfg.log_processor.window_size = 1
    config = tmp_path / 'asa_ddp.py'
    cfg.dump(str(config))
    work_dir = tmp_path / 'work'
    tool('dist_train.sh', config, 2, '--work-dir', work_dir, env=dict(PORT=str(random.randint(20000, 40000))))
    rank0, rank1 = (load_state_dump(work_dir, 'after_train', rank) for rank in (0, 1))
    start = load_state_dump(work_dir, 'before_train', 0)
    assert rank0['iter'] == rank1['iter'] == 3
    for name, value in rank0['params'].items():
        assert torch.equal(value, rank1['params'][name]), f'{name} differs across ranks'
    moved = [n for n, v in rank0['params'].items() if 'factor' in n and not torch.equal(v, start['params'][n])]
    assert moved, 'no control factor moved'
    scalars, = work_dir.glob('*/vis_data/scalars.json')
    records = [json.loads(line) for line in scalars.read_text().splitlines()]
    assert len(records) == 3 and all('slim_lambda' in r for r in records)


def test_positions_and_slim_layers_as_wrapper_arguments():
    model = build(dict(type='StyleAugmented', model=deeplab_cfg(), augmentation=dict(type='ASA', seed=0),
                       positions=POSITIONS, slim=dict(seed=0), slim_layers=LAYERS))
    assert model.augmentation.positions == tuple(POSITIONS) and model.slim.sampler.layers == tuple(LAYERS)
    with pytest.raises(ValueError, match='positions is given twice'):
        build(dict(wrapper_cfg(), positions=POSITIONS))
    with pytest.raises(ValueError, match='slim_layers is given twice'):
        build(dict(wrapper_cfg(), slim_layers=LAYERS))


def test_slim_layers_without_slim_are_refused():
    with pytest.raises(ValueError, match='slim_layers is set but slim is None'):
        build(dict(wrapper_cfg(slim=False), slim_layers=LAYERS))


@pytest.mark.slow  # three tools/train.py runs: ~30 s on an idle core, minutes on a loaded machine
def test_train_resume_through_the_cli_continues_like_an_uninterrupted_run(tiny_config_file, tool, tmp_path):
    """tools/train.py --resume from iteration 2 of 3 ends with the parameters of a straight 3-iteration
    run: the checkpoint carries the control factors, the modules' random streams and the SLIM draws."""
    cfg = Config.fromfile(tiny_config_file(max_iters=3, checkpoint_interval=1, dump_state=True))
    cfg.model = dict(type='StyleAugmented', model=cfg.model,
                     augmentation=dict(type='ASA', positions=['backbone.layer1', 'backbone.layer2']),
                     slim=dict(layers=['backbone.layer2', 'backbone.layer3']))
    config = tmp_path / 'asa_resume.py'
    cfg.dump(str(config))
    tool('train.py', config, '--work-dir', tmp_path / 'straight')
    partial = tmp_path / 'partial'
    tool('train.py', config, '--work-dir', partial, '--cfg-options', 'train_cfg.max_iters=2')
    tool('train.py', config, '--work-dir', partial, '--resume')
    straight, resumed = (load_state_dump(tmp_path / name, 'after_train') for name in ('straight', 'partial'))
    assert resumed['iter'] == straight['iter'] == 3
    for name, value in straight['params'].items():
        assert torch.equal(value, resumed['params'][name]), name

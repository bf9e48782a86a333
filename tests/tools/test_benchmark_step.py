"""The benchmark compares like with like: one segmentor, three training procedures."""
import importlib.util
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

TOOL = Path(__file__).resolve().parents[2] / 'tools' / 'benchmark_step.py'
spec = importlib.util.spec_from_file_location('benchmark_step', TOOL)
benchmark_step = importlib.util.module_from_spec(spec)
spec.loader.exec_module(benchmark_step)


def test_variants_share_the_segmentor_and_differ_only_in_the_procedure():
    cfg = Config.fromfile(str(TOOL.parents[1] / benchmark_step.DEFAULT_CONFIG))
    erm = benchmark_step.variant_cfg(cfg, 'ERM')
    advstyle = benchmark_step.variant_cfg(cfg, 'AdvStyle')
    slim = benchmark_step.variant_cfg(cfg, 'SLIM-AdvStyle')
    assert erm == advstyle.model == slim.model == cfg.model.model
    assert advstyle.type == slim.type == 'SLIMAdvStyle'
    assert advstyle.slim is None and slim.slim.layers
    assert advstyle.adversary == slim.adversary
    assert cfg.model.slim is not None  # the loaded config itself is not modified


def test_non_slim_config_is_refused():
    cfg = Config.fromfile(str(TOOL.parents[1] / 'configs/demo/erm_deeplabv3_r18hw_1xb4-500it_synthstreets-128x256.py'))
    with pytest.raises(ValueError, match='not a SLIM-AdvStyle config'):
        benchmark_step.variant_cfg(cfg, 'ERM')


class AllocatingStep:
    """A stand-in model whose training step allocates known tensors."""

    def train_step(self, batch, optim):
        x = torch.ones(batch['n'])                         # 4 * n bytes
        return (x.sum(), torch.mm(torch.ones(4, 8), torch.ones(8, 16)))


def test_memory_is_the_exact_peak_of_a_step_on_cpu():
    # ones(1000) + its sum (4 bytes) + two mm operands and the product (32 + 128 + 64 floats)
    expected = 4 * (1000 + 1 + 32 + 128 + 64)
    assert benchmark_step.peak_step_memory(AllocatingStep(), None, dict(n=1000), 'cpu', steps=3) == expected


def test_flops_count_the_matrix_products():
    assert benchmark_step.step_flops(AllocatingStep(), None, dict(n=10)) == 2 * 4 * 8 * 16


def test_style_variants_wrap_the_same_segmentor_with_the_method_files():
    cfg = Config.fromfile(str(TOOL.parents[1] / benchmark_step.DEFAULT_CONFIG))
    placement = Config.fromfile(str(TOOL.parents[1] / benchmark_step.DEFAULT_PLACEMENT))
    for variant, kind in (('pAdaIN', 'pAdaIN'), ('MixStyle', 'MixStyle'), ('DSU', 'DSU'), ('ASA', 'ASA'),
                          ('ASA+SLIM', 'ASA')):
        model = benchmark_step.variant_cfg(cfg, variant)
        assert model['type'] == 'StyleAugmented' and model['model'] == cfg.model.model
        assert model['augmentation']['type'] == kind
        assert model['positions'] == placement.positions[kind]
        assert ('slim' in model) == (variant == 'ASA+SLIM')
    assert benchmark_step.variant_cfg(cfg, 'ASA+SLIM')['slim_layers'] == placement.slim_layers
    with pytest.raises(ValueError, match='unknown variant'):
        benchmark_step.variant_cfg(cfg, 'CutMix')


def test_ratios_are_printed_for_the_variants_that_ran_with_their_targets():
    seconds = dict(ERM=1.0, ASA=1.1, DSU=1.2)
    flops = dict(ERM=10, ASA=10, DSU=10)
    ratios = benchmark_step.ratio_targets(seconds, flops, dict(ERM=4, ASA=5, DSU=4))
    assert ratios['ASA / ERM time'] == (1.1, 1.15)
    assert ratios['ASA / ERM FLOPs'] == (1.0, 1.05)
    assert ratios['ASA / ERM memory'] == (1.25, None)
    assert ratios['DSU / ERM time'] == (1.2, 1.05)
    assert not any('SLIM' in name for name in ratios)

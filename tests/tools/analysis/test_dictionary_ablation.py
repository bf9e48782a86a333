"""Table 6 configs (one dictionary loss dropped each) and the records -> ablation table path.

Two method families carry the ablation: AdvStyle-Zhong + SLIM and AdvStyle (ASA) + SLIM, the
paper's own AdvStyle. In both, the slim dict that is built sits at ``model.slim`` (for ASA, in the
StyleAugmented wrapper; the top-level ``slim`` variable of ``_base_/methods/asa-slim.py`` is only
copied from, never read), so an ablation that overrode the wrong key would keep all three losses
in ``model.slim`` and fail the first test.
"""
import json
import sys
from pathlib import Path

import pytest
from mmengine.config import Config

REPO_ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO_ROOT / 'tools'))
import make_results_table  # noqa: E402

LOSSES = ['mse', 'ortho', 'reverse']
PACS_SOURCES = ('art_painting', 'cartoon', 'photo', 'sketch')
DIGITS = 'wrn16-1_1xb64-20e_digits-style-shift'
FULL = {  # (method, rest of the name): the full method's leaf is f'{method}_{rest}'
    'digits_demo': [('advstyle-zhong-slim', DIGITS), ('asa-slim', DIGITS)],
    'pacs': [(method, f'resnet18_1xb64-120e_pacs-single-{source.replace("_", "-")}')
             for method in ('advstyle-zhong-slim', 'asa-slim') for source in PACS_SOURCES]
    + [('asa-slim', f'resnet18_1xb64-120e_pacs-lodo-{source.replace("_", "-")}') for source in PACS_SOURCES],
}
ABLATIONS = [(group, full, dropped) for group, names in FULL.items() for full in names for dropped in LOSSES]


def full_name(full):
    return '_'.join(full)


def ablation_name(full, dropped):
    method, rest = full
    return f'{method}-no-{dropped}_{rest}'


def without_losses(cfg):
    data = cfg.to_dict()
    data['model']['slim'].pop('losses')
    return data


@pytest.mark.parametrize('group, full, dropped', ABLATIONS, ids=lambda v: v if isinstance(v, str) else full_name(v))
def test_each_ablation_drops_exactly_one_loss_and_keeps_everything_else(group, full, dropped):
    base = Config.fromfile(str(REPO_ROOT / 'configs' / group / f'{full_name(full)}.py'))
    ablation = Config.fromfile(str(REPO_ROOT / 'configs' / group / 'ablations' / f'{ablation_name(full, dropped)}.py'))
    assert base.model.slim.losses == LOSSES
    assert ablation.model.slim.losses == [loss for loss in LOSSES if loss != dropped]
    assert without_losses(ablation) == without_losses(base)


def test_every_ablation_config_is_listed():
    on_disk = {(p.parent.parent.name, p.stem) for group in FULL
               for p in (REPO_ROOT / 'configs' / group / 'ablations').glob('*.py')}
    assert on_disk == {(group, ablation_name(full, dropped)) for group, full, dropped in ABLATIONS}


@pytest.mark.parametrize('base_label, base, full_label, full', [
    ('AdvStyle', ('advstyle-zhong', DIGITS), 'AdvStyle+SLIM', ('advstyle-zhong-slim', DIGITS)),
    ('ASA', ('asa', DIGITS), 'ASA+SLIM', ('asa-slim', DIGITS)),
])
def test_records_to_ablation_table(tmp_path, base_label, base, full_label, full):
    """The documented digits command (docs/analyses.md, Table 6) on made-up records.

    The records are split over two files (reference runs, ablation runs), since the table tool
    reads several; the paired rows are each ablation minus the full method.
    """
    names = {base_label: full_name(base), full_label: full_name(full), 'no mse': ablation_name(full, 'mse'),
             'no ortho': ablation_name(full, 'ortho'), 'no reverse': ablation_name(full, 'reverse')}
    # Seed 1 scales each row's offset by 1.1, so the paired differences vary over seeds and the
    # t-interval is not degenerate.
    lines = [dict(name=name, config=f'{name}.py', seed=seed, checkpoint='best.pth',
                  metrics={'source/accuracy': 99.0, 'target_mean/accuracy': 40.0 + index * (1 + 0.1 * seed)})
             for index, name in enumerate(names.values()) for seed in (0, 1)]
    main_records, ablation_records = tmp_path / 'main.jsonl', tmp_path / 'ablation.jsonl'
    main_records.write_text(''.join(json.dumps(line) + '\n' for line in lines if 'no-' not in line['name']))
    ablation_records.write_text(''.join(json.dumps(line) + '\n' for line in lines if 'no-' in line['name']))
    make_results_table.main([str(main_records), str(ablation_records),
                             '--metrics', 'source/accuracy', 'target_mean/accuracy',
                             '--labels', 'source', 'target mean', '--rows'] +
                            [f'{label}={name}' for label, name in names.items()] +
                            ['--paired'] + [f'{label}={full_label}' for label in ('no mse', 'no ortho', 'no reverse')] +
                            ['--out', str(tmp_path / 't.md')])
    # Paired half-width: t(0.975, 1) * sd / sqrt(2) = 12.706 * 0.1 * k / 2 for a difference of k rows.
    assert (tmp_path / 't.md').read_text().splitlines() == [
        '| method | source | target mean | seeds |', '|---|---|---|---|',
        f'| {base_label} | 99.00 ± 0.00 | 40.00 ± 0.00 | 2 |',
        f'| {full_label} | 99.00 ± 0.00 | 41.05 ± 0.07 | 2 |',
        '| no mse | 99.00 ± 0.00 | 42.10 ± 0.14 | 2 |',
        '| no ortho | 99.00 ± 0.00 | 43.15 ± 0.21 | 2 |',
        '| no reverse | 99.00 ± 0.00 | 44.20 ± 0.28 | 2 |',
        '',
        '| difference (95% t-interval) | source | target mean | seeds |', '|---|---|---|---|',
        f'| no mse − {full_label} | +0.00 [+0.00, +0.00] | +1.05 [+0.41, +1.69] | 2 |',
        f'| no ortho − {full_label} | +0.00 [+0.00, +0.00] | +2.10 [+0.83, +3.37] | 2 |',
        f'| no reverse − {full_label} | +0.00 [+0.00, +0.00] | +3.15 [+1.24, +5.06] | 2 |']

"""Table 6 configs (one dictionary loss dropped each) and the records -> ablation table path."""
import json
import sys
from pathlib import Path

import pytest
from mmengine.config import Config

REPO_ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO_ROOT / 'tools'))
import make_results_table  # noqa: E402

LOSSES = ['mse', 'ortho', 'reverse']
FULL = {
    'digits_demo': ['wrn16_1_advstyle_slim'],
    'pacs': [f'resnet18_single_{source}_advstyle-zhong-slim' for source in ('art_painting', 'cartoon', 'photo', 'sketch')],
}
ABLATIONS = [(group, full, dropped) for group, names in FULL.items() for full in names for dropped in LOSSES]


def without_losses(cfg):
    data = cfg.to_dict()
    data['model']['slim'].pop('losses')
    return data


@pytest.mark.parametrize('group, full, dropped', ABLATIONS)
def test_each_ablation_drops_exactly_one_loss_and_keeps_everything_else(group, full, dropped):
    base = Config.fromfile(str(REPO_ROOT / 'configs' / group / f'{full}.py'))
    ablation = Config.fromfile(str(REPO_ROOT / 'configs' / group / 'ablations' / f'{full}_no-{dropped}.py'))
    assert base.model.slim.losses == LOSSES
    assert ablation.model.slim.losses == [loss for loss in LOSSES if loss != dropped]
    assert without_losses(ablation) == without_losses(base)


def test_every_ablation_config_is_listed():
    on_disk = {(p.parent.parent.name, p.stem) for group in FULL
               for p in (REPO_ROOT / 'configs' / group / 'ablations').glob('*.py')}
    assert on_disk == {(group, f'{full}_no-{dropped}') for group, full, dropped in ABLATIONS}


def test_records_to_ablation_table(tmp_path):
    """The documented digits command (docs/analyses.md, Table 6) on made-up records."""
    names = {'AdvStyle': 'wrn16_1_advstyle', 'AdvStyle+SLIM': 'wrn16_1_advstyle_slim',
             'no mse': 'wrn16_1_advstyle_slim_no-mse', 'no ortho': 'wrn16_1_advstyle_slim_no-ortho',
             'no reverse': 'wrn16_1_advstyle_slim_no-reverse'}
    records = tmp_path / 'records.jsonl'
    lines = [dict(name=name, config=f'{name}.py', seed=seed, checkpoint='best.pth',
                  metrics={'source/accuracy': 99.0, 'target_mean/accuracy': 40.0 + index + seed})
             for index, name in enumerate(names.values()) for seed in (0, 1)]
    records.write_text(''.join(json.dumps(line) + '\n' for line in lines))
    make_results_table.main([str(records), '--metrics', 'source/accuracy', 'target_mean/accuracy',
                             '--labels', 'source', 'target mean', '--rows'] +
                            [f'{label}={name}' for label, name in names.items()] + ['--out', str(tmp_path / 't.md')])
    assert (tmp_path / 't.md').read_text().splitlines() == [
        '| method | source | target mean | seeds |', '|---|---|---|---|',
        '| AdvStyle | 99.00 ± 0.00 | 40.50 ± 0.71 | 2 |',
        '| AdvStyle+SLIM | 99.00 ± 0.00 | 41.50 ± 0.71 | 2 |',
        '| no mse | 99.00 ± 0.00 | 42.50 ± 0.71 | 2 |',
        '| no ortho | 99.00 ± 0.00 | 43.50 ± 0.71 | 2 |',
        '| no reverse | 99.00 ± 0.00 | 44.50 ± 0.71 | 2 |']

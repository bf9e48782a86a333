"""tools/make_results_table.py --paired: per-seed differences with a 95 % Student-t interval."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'tools'))
import make_results_table  # noqa: E402


def record(name, seed, **metrics):
    return dict(name=name, config=f'configs/{name}.py', seed=seed, checkpoint='x.pth', metrics=metrics)


def write(tmp_path, rows):
    path = tmp_path / 'records.jsonl'
    path.write_text(''.join(json.dumps(r) + '\n' for r in rows))
    return path


def test_paired_differences_use_common_seeds_and_the_t_interval(tmp_path, capsys):
    rows = [record('base', s, a=v, b=2 * v) for s, v in ((0, 10.0), (1, 20.0), (2, 30.0), (3, 99.0))]
    rows += [record('slim', s, a=v, b=2 * v + 1) for s, v in ((0, 11.0), (1, 23.0), (2, 32.0))]
    path = write(tmp_path, rows)
    make_results_table.main([str(path), '--metrics', 'a', 'b', '--average', 'mean',
                             '--rows', 'Base=base', 'SLIM=slim', '--paired', 'SLIM=Base'])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    # seeds 0-2 only (seed 3 has no pair). a: 1, 3, 2 (mean 2, sd 1); b: 3, 7, 5 (mean 5, sd 2);
    # per-seed average: 2, 5, 3.5 (mean 3.5, sd 1.5); half-width t(0.975, 2) * sd / sqrt(3), t = 4.3027
    assert last == '| SLIM − Base | +2.00 [-0.48, +4.48] | +5.00 [+0.03, +9.97] | +3.50 [-0.23, +7.23] | 3 |'


def test_one_common_seed_has_no_interval_and_bad_specs_fail(tmp_path):
    path = write(tmp_path, [record('base', 0, a=1.0), record('slim', 0, a=3.0)])
    records = make_results_table.load_records([str(path)])
    table = make_results_table.paired_table(records, ['a'], [('B', 'base'), ('S', 'slim')], [('S', 'B')])
    assert table.splitlines()[-1] == '| S − B | +2.00 [n/a] | 1 |'
    with pytest.raises(KeyError, match="row 'X'"):
        make_results_table.paired_table(records, ['a'], [('B', 'base')], [('X', 'B')])
    with pytest.raises(ValueError, match='ROW_A=ROW_B'):
        make_results_table.parse_pairs(['SLIM'])

"""tools/run_seeds.py helpers and tools/make_results_table.py (the full train/test sweep is
exercised by the digits demo; its configs are tested in tests/configs)."""
import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'tools'))
import make_results_table  # noqa: E402
import run_seeds  # noqa: E402


def record(name, seed, **metrics):
    return dict(name=name, config=f'configs/{name}.py', seed=seed, checkpoint='x.pth',
                metrics=metrics)


def test_table_is_mean_and_sample_std_over_seeds(tmp_path):
    records = tmp_path / 'records.jsonl'
    rows = [record('erm', 0, acc=10.0), record('erm', 1, acc=20.0), record('erm', 2, acc=30.0),
            record('slim', 0, acc=50.0)]
    records.write_text(''.join(json.dumps(r) + '\n' for r in rows))
    out = tmp_path / 'table.md'
    make_results_table.main([str(records), '--metrics', 'acc', '--labels', 'Acc',
                             '--rows', 'SLIM=slim', 'ERM=erm', '--out', str(out)])
    lines = out.read_text().splitlines()
    assert lines[0] == '| method | Acc | seeds |'
    assert lines[2] == '| SLIM | 50.00 ± n/a | 1 |'
    assert lines[3] == '| ERM | 20.00 ± 10.00 | 3 |'  # stdev of 10, 20, 30 (ddof=1)
    with pytest.raises(KeyError, match="no metric 'loss'"):
        make_results_table.results_table(rows, ['loss'])
    with pytest.raises(KeyError, match='none'):
        make_results_table.results_table(rows, ['acc'], rows=[('AdvStyle', 'advstyle')])


def test_leave_one_domain_out_rows_gather_one_config_per_target():
    rows = [record(f'lodo_{target}_erm', seed, **{f'{target}/accuracy': value + seed})
            for target, value in (('photo', 90.0), ('sketch', 70.0)) for seed in (0, 1)]
    table = make_results_table.results_table(
        rows, ['photo/accuracy', 'sketch/accuracy'], rows=[('ERM', 'lodo_*_erm')],
        average='avg')
    # seed 0: (90 + 70) / 2 = 80, seed 1: 81 -> 80.5 ± 0.71
    assert table.splitlines()[2] == '| ERM | 90.50 ± 0.71 | 70.50 ± 0.71 | 80.50 ± 0.71 | 2 |'
    with pytest.raises(ValueError, match='several runs'):
        make_results_table.results_table(rows + [record('lodo_x_erm', 0, **{'photo/accuracy':
                                                                            1.0})],
                                         ['photo/accuracy'], rows=[('ERM', 'lodo_*_erm')])


def test_checkpoint_selection_and_test_metrics_lookup(tmp_path):
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_3.pth'))
    assert run_seeds.select_checkpoint(str(tmp_path), 'last') == str(tmp_path / 'epoch_3.pth')
    with pytest.raises(FileNotFoundError, match='save_best'):
        run_seeds.select_checkpoint(str(tmp_path), 'best')
    (tmp_path / 'best_source_val_mean_accuracy_epoch_2.pth').write_bytes(b'')
    assert run_seeds.select_checkpoint(str(tmp_path), 'best').endswith('epoch_2.pth')
    old, new = tmp_path / 'test' / '20260101_000000', tmp_path / 'test' / '20260102_000000'
    for folder, value in ((old, 1.0), (new, 2.0)):
        folder.mkdir(parents=True)
        (folder / f'{folder.name}.json').write_text(json.dumps({'acc': value}) + '\n')
    os.utime(old / f'{old.name}.json', (1, 1))
    assert run_seeds.latest_test_metrics(str(tmp_path / 'test')) == {'acc': 2.0}


def test_recorded_runs_are_skipped(tmp_path, monkeypatch):
    records = tmp_path / 'records.jsonl'
    records.write_text(json.dumps(record('cfg', 0, acc=1.0)) + '\n')
    commands = []
    monkeypatch.setattr(run_seeds, 'run', commands.append)
    monkeypatch.setattr(run_seeds, 'select_checkpoint', lambda work_dir, which: 'ckpt.pth')
    monkeypatch.setattr(run_seeds, 'latest_test_metrics', lambda test_dir: {'acc': 2.0})
    run_seeds.main(['configs/cfg.py', '--seeds', '0', '1', '--work-root', str(tmp_path),
                    '--records', str(records)])
    assert len(commands) == 2  # train and test of seed 1 only
    assert 'randomness.seed=1' in commands[0]
    seeds = [json.loads(line)['seed'] for line in records.read_text().splitlines()]
    assert seeds == [0, 1]

"""tools/evidence/robust_stage.py: which runs are attacked, what is recorded, resuming."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'tools' / 'evidence'))
import robust_stage  # noqa: E402
import stage_records  # noqa: E402


def test_only_listed_unrecorded_runs_are_attacked_and_recorded(tmp_path, monkeypatch):
    (tmp_path / 'at').mkdir()
    runs = []
    for name in ('at_pgd-at', 'at_natural', 'at_trades_slim-paper'):
        work = tmp_path / 'at' / name / 'seed0'
        work.mkdir(parents=True)
        runs.append(dict(name=name, config=f'configs/{name}.py', seed=0, checkpoint=str(work / 'epoch_4.pth')))
    (tmp_path / 'at' / 'records.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in runs))
    (tmp_path / 'at' / 'robust.jsonl').write_text(json.dumps(dict(name='at_pgd-at', seed=0)) + '\n')
    commands = []

    def fake_run(command, check):
        commands.append(command)
        work_dir = Path(command[command.index('--work-dir') + 1])
        work_dir.mkdir(parents=True)
        summary = {'autoattack': dict(accuracy=40.0), 'lafeat': dict(accuracy=41.0), 'ssa': dict(accuracy=90.0),
                   'worst_case': dict(accuracy=39.5)}
        (work_dir / 'robust_test_20260101_000000.json').write_text(json.dumps(dict(summary=summary)))

    monkeypatch.setattr(stage_records.subprocess, 'run', fake_run)
    robust_stage.main([str(tmp_path)])
    assert len(commands) == 1  # natural is not a listed row; PGD-AT is already recorded
    command = commands[0]
    assert command[2:4] == ['configs/at_trades_slim-paper.py', runs[2]['checkpoint']]
    assert command[command.index('--eps') + 1] == '0.1' and command[command.index('--num-samples') + 1] == '1000'
    last = json.loads((tmp_path / 'at' / 'robust.jsonl').read_text().splitlines()[-1])
    assert last['name'] == 'at_trades_slim-paper' and last['metrics']['worst_case/accuracy'] == 39.5


def recorded_runs(tmp_path, names, seeds):
    (tmp_path / 'at').mkdir()
    runs = [dict(name=name, config=f'configs/{name}.py', seed=seed,
                 checkpoint=str(tmp_path / 'at' / name / f'seed{seed}' / 'epoch_4.pth'))
            for seed in seeds for name in names]
    (tmp_path / 'at' / 'records.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in runs))
    return runs


def summary_writer(commands, fail_on=()):
    def run(command, check):
        commands.append(command[2])
        if command[2] in fail_on:
            raise stage_records.subprocess.CalledProcessError(3, command)
        work_dir = Path(command[command.index('--work-dir') + 1])
        work_dir.mkdir(parents=True, exist_ok=True)
        summary = {attack: dict(accuracy=50.0) for attack in ('autoattack', 'lafeat', 'ssa', 'worst_case')}
        (work_dir / 'robust_test_20260101_000000.json').write_text(json.dumps(dict(summary=summary)))
    return run


def test_two_shards_split_the_runs_without_overlap_and_together_cover_them(tmp_path, monkeypatch):
    recorded_runs(tmp_path, ('at_pgd-at', 'at_pgd-at_slim-mean', 'at_natural'), range(3))
    first, second = [], []
    monkeypatch.setattr(stage_records.subprocess, 'run', summary_writer(first))
    robust_stage.main([str(tmp_path), '--shard', '0/2'])
    monkeypatch.setattr(stage_records.subprocess, 'run', summary_writer(second))
    robust_stage.main([str(tmp_path), '--shard', '1/2'])
    assert len(first) == 3 and len(second) == 3
    records = [json.loads(line) for line in (tmp_path / 'at' / 'robust.jsonl').read_text().splitlines()]
    # six listed runs (natural is not listed), each attacked by exactly one of the two workers
    assert sorted((r['name'], r['seed']) for r in records) == sorted(
        (name, seed) for name in ('at_pgd-at', 'at_pgd-at_slim-mean') for seed in range(3))


def test_a_failed_run_is_reported_the_others_recorded_and_the_rerun_retries_it(tmp_path, monkeypatch, capsys):
    recorded_runs(tmp_path, ('at_pgd-at', 'at_trades'), range(1))
    commands = []
    monkeypatch.setattr(stage_records.subprocess, 'run', summary_writer(commands, fail_on={'configs/at_pgd-at.py'}))
    with pytest.raises(SystemExit, match='1 run\\(s\\) failed: at_pgd-at seed 0'):
        robust_stage.main([str(tmp_path)])
    assert commands == ['configs/at_pgd-at.py', 'configs/at_trades.py'] and 'FAILED (exit 3)' in capsys.readouterr().out
    commands.clear()
    monkeypatch.setattr(stage_records.subprocess, 'run', summary_writer(commands))
    robust_stage.main([str(tmp_path)])
    assert commands == ['configs/at_pgd-at.py']


def test_a_malformed_shard_names_the_form():
    with pytest.raises(ValueError, match='K/N'):
        stage_records.parse_shard('2')
    with pytest.raises(ValueError, match='0..N-1'):
        stage_records.parse_shard('2/2')

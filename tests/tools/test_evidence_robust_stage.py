"""tools/evidence/robust_stage.py: which runs are attacked, what is recorded, resuming."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'tools' / 'evidence'))
import robust_stage  # noqa: E402


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

    monkeypatch.setattr(robust_stage.subprocess, 'run', fake_run)
    robust_stage.main([str(tmp_path)])
    assert len(commands) == 1  # natural is not a listed row; PGD-AT is already recorded
    command = commands[0]
    assert command[2:4] == ['configs/at_trades_slim-paper.py', runs[2]['checkpoint']]
    assert command[command.index('--eps') + 1] == '0.1' and command[command.index('--num-samples') + 1] == '1000'
    last = json.loads((tmp_path / 'at' / 'robust.jsonl').read_text().splitlines()[-1])
    assert last['name'] == 'at_trades_slim-paper' and last['metrics']['worst_case/accuracy'] == 39.5

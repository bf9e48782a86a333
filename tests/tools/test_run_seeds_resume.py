"""tools/run_seeds.py resumes: finished trainings are not repeated, interrupted ones resume from
their latest checkpoint, several checkpoints are recorded under their own names."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'tools'))
import run_seeds  # noqa: E402


def sweep(tmp_path, monkeypatch, *extra):
    commands = []
    monkeypatch.setattr(run_seeds, 'run', commands.append)
    monkeypatch.setattr(run_seeds, 'select_checkpoint', lambda work_dir, which: f'{which}.pth')
    monkeypatch.setattr(run_seeds, 'latest_test_metrics', lambda test_dir: {'acc': 1.0})
    run_seeds.main(['configs/cfg.py', '--seeds', '0', '--work-root', str(tmp_path),
                    '--records', str(tmp_path / 'records.jsonl'), *extra])
    return commands


def records(tmp_path):
    return [json.loads(line) for line in (tmp_path / 'records.jsonl').read_text().splitlines()]


def test_fresh_run_trains_without_resume_and_marks_training_done(tmp_path, monkeypatch):
    commands = sweep(tmp_path, monkeypatch)
    assert len(commands) == 2 and '--resume' not in commands[0]
    assert (tmp_path / 'cfg' / 'seed0' / 'train_done').is_file()
    (record,) = records(tmp_path)
    assert record['name'] == 'cfg' and record['train_seconds'] >= 0 and record['test_seconds'] >= 0


def test_interrupted_training_resumes_from_its_checkpoint(tmp_path, monkeypatch):
    work_dir = tmp_path / 'cfg' / 'seed0'
    work_dir.mkdir(parents=True)
    (work_dir / 'epoch_2.pth').write_bytes(b'')
    commands = sweep(tmp_path, monkeypatch)
    train = commands[0]
    assert train[1].endswith('train.py') and '--resume' in train
    assert train.index('--resume') < train.index('--cfg-options')  # --resume takes no value here


def test_finished_training_is_only_tested(tmp_path, monkeypatch):
    work_dir = tmp_path / 'cfg' / 'seed0'
    work_dir.mkdir(parents=True)
    (work_dir / 'train_done').write_text('12.0\n')
    commands = sweep(tmp_path, monkeypatch)
    assert len(commands) == 1 and commands[0][1].endswith('test.py')
    assert records(tmp_path)[0]['train_seconds'] == 0.0


def test_best_and_last_are_tested_separately_and_resume_per_checkpoint(tmp_path, monkeypatch):
    (tmp_path / 'records.jsonl').write_text(json.dumps(dict(name='cfg@best', seed=0)) + '\n')
    work_dir = tmp_path / 'cfg' / 'seed0'
    work_dir.mkdir(parents=True)
    (work_dir / 'train_done').write_text('1\n')
    commands = sweep(tmp_path, monkeypatch, '--checkpoint', 'best', 'last')
    assert len(commands) == 1 and 'last.pth' in commands[0]
    assert commands[0][commands[0].index('--work-dir') + 1].endswith('test_last')
    assert [r['name'] for r in records(tmp_path)] == ['cfg@best', 'cfg@last']
    assert sweep(tmp_path, monkeypatch, '--checkpoint', 'best', 'last') == []

"""tools/evidence/analysis_stage.py: the scale is chosen by the rule, only complete pairs are analysed, resuming."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'tools' / 'evidence'))
import analysis_stage  # noqa: E402
import stage_records  # noqa: E402


def run_records(tmp_path, seeds, offsets):
    runs = []
    for seed in seeds:
        for name, offset in offsets.items():
            work = tmp_path / 'at' / name / f'seed{seed}'
            work.mkdir(parents=True, exist_ok=True)
            runs.append(dict(name=name, config=f'configs/{name}.py', seed=seed, checkpoint=str(work / 'epoch_4.pth'),
                             metrics={'pgd20/accuracy': 60.0 + offset + 0.1 * seed, 'clean/accuracy': 80.0}))
    (tmp_path / 'at').mkdir(exist_ok=True)
    (tmp_path / 'at' / 'records.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in runs))
    return runs


def fake_tools(commands):
    def run(command, check):
        commands.append(command)
        work_dir = Path(command[command.index('--work-dir') + 1])
        work_dir.mkdir(parents=True, exist_ok=True)
        if command[1].endswith('clustering_effect.py'):
            records = [dict(label='m', inputs=kind, layer=layer, accuracy=0.5)
                       for kind in analysis_stage.INPUTS for layer in ('backbone.layer1', 'head')]
            (work_dir / 'clustering_effect.json').write_text(json.dumps(dict(records=records)))
        else:
            records = [dict(label='m', sigma=sigma, accuracy=0.9 - sigma, loss=0.3) for sigma in (0.0, 0.01)]
            (work_dir / 'weight_noise.json').write_text(json.dumps(dict(records=records)))
    return run


OFFSETS = {'at_pgd-at': 0.0, 'at_pgd-at_slim-mean': 0.2, 'at_pgd-at_slim-paper': -1.0,
           'at_pgd-at_slim-balanced': 0.5, 'at_natural': -60.0}


def test_the_stage_waits_until_every_scale_has_five_paired_seeds(tmp_path, monkeypatch, capsys):
    run_records(tmp_path, range(4), OFFSETS)
    commands = []
    monkeypatch.setattr(stage_records.subprocess, 'run', fake_tools(commands))
    analysis_stage.main([str(tmp_path)])
    assert commands == [] and 'deferred' in capsys.readouterr().out


def test_the_best_scale_and_pgd_at_are_analysed_once_per_seed(tmp_path, monkeypatch):
    runs = run_records(tmp_path, range(5), OFFSETS)
    done = dict(name='at_pgd-at', seed=0)
    (tmp_path / 'at' / 'analysis.jsonl').write_text(json.dumps(done) + '\n')
    commands = []
    monkeypatch.setattr(stage_records.subprocess, 'run', fake_tools(commands))
    analysis_stage.main([str(tmp_path)])
    analysed = [(c[2], c[1].rsplit('/', 1)[1]) for c in commands]
    # balanced has the largest mean PGD-20 difference (+0.5); PGD-AT seed 0 is already recorded
    assert len(analysed) == 2 * 9
    assert {config for config, _ in analysed} == {'configs/at_pgd-at.py', 'configs/at_pgd-at_slim-balanced.py'}
    clustering = commands[0]
    assert clustering[clustering.index('--eps') + 1] == '0.1' and clustering[clustering.index('--inputs') + 1:][:3] == [
        'clean', 'pgd', 'lafeat']
    records = [json.loads(line) for line in (tmp_path / 'at' / 'analysis.jsonl').read_text().splitlines()]
    last = records[-1]
    assert last['scale'] == 'balanced' and last['checkpoint'] == runs[-2]['checkpoint']
    assert last['metrics']['clustering_pgd/head'] == 50.0 and last['metrics']['noise_0.01/accuracy'] == 89.0
    # a rerun finds everything recorded
    commands.clear()
    analysis_stage.main([str(tmp_path)])
    assert commands == []

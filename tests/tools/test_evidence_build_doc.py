"""tools/evidence/build_doc.py: the results region is regenerated from records, verdicts follow the rule."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'tools' / 'evidence'))
import build_doc  # noqa: E402


def write(path, rows):
    path.write_text(''.join(json.dumps(dict(name=n, seed=s, metrics=m)) + '\n' for n, s, m in rows))


def test_results_region_is_rebuilt_with_tables_missing_rows_and_verdicts(tmp_path):
    records = tmp_path / 'records'
    records.mkdir()
    rows = []
    for seed in range(5):
        rows.append(('at_pgd-at', seed, {'clean/accuracy': 80.0 + seed, 'pgd20/accuracy': 60.0 + seed}))
        # SLIM (mean): PGD-20 +1 +- a little; clean equal on average
        rows.append(('at_pgd-at_slim-mean', seed, {'clean/accuracy': 80.0 + seed + (0.1 if seed % 2 else -0.1),
                                                    'pgd20/accuracy': 61.0 + seed + 0.01 * seed}))
    rows.append(('at_pgd-at_slim-paper', 0, {'clean/accuracy': 1.0, 'pgd20/accuracy': 1.0}))
    write(records / 'at.jsonl', rows)
    doc = tmp_path / 'evidence.md'
    doc.write_text(f'# protocol\nfixed text\n{build_doc.BEGIN}\nold\n{build_doc.END}\ntail\n')
    build_doc.main(['--records-dir', str(records), '--doc', str(doc)])
    text = doc.read_text()
    assert text.startswith('# protocol\nfixed text\n') and text.endswith(f'{build_doc.END}\ntail\n')
    assert 'old' not in text
    assert '| PGD-AT | 82.00 ± 1.58 | 62.00 ± 1.58 | 5 |' in text
    assert 'Not run yet: natural' in text
    assert 'PGD-AT + SLIM (mean) vs PGD-AT, PGD-20: +1.02' in text and 'SLIM beats its base' in text
    assert 'PGD-AT + SLIM (mean) vs PGD-AT, clean: -0.02 [-0.16, +0.12]' in text and 'no difference shown' in text
    assert 'PGD-AT + SLIM (paper) vs PGD-AT, PGD-20: incomplete (1 of 5 paired seeds)' in text
    assert 'No records yet.' in text  # the long schedule and DG tables
    # the forest plot: drawn beside the document, linked at the top of the region
    figure = tmp_path / 'evidence_figures' / 'paired_differences.png'
    assert figure.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n' and f'{build_doc.BEGIN}\n![' in text
    assert '](evidence_figures/paired_differences.png)' in text
    panels = []
    build_doc.section(build_doc.TABLES[0], [dict(name=n, seed=s, metrics=m) for n, s, m in rows], panels)
    (title, metric, points), = panels
    assert metric == 'PGD-20' and [p[0] for p in points] == ['PGD-AT + SLIM (mean) − PGD-AT',
                                                              'PGD-AT + SLIM (paper) − PGD-AT']
    assert points[0][1:] == pytest.approx((1.02, 1.02 - 0.0196, 1.02 + 0.0196, 5), abs=1e-3)
    assert points[1][1:] == (-59.0, -59.0, -59.0, 1)  # one seed: a point without interval


def test_the_slim_row_is_compared_with_its_attack_strength_control(tmp_path):
    records = tmp_path / 'records'
    records.mkdir()
    rows = []
    for seed in range(5):
        # the control is weaker: 2 points lower PGD-20 than SLIM (paper), clean equal up to noise
        rows.append(('at_pgd-at_slim-paper', seed, {'clean/accuracy': 80.0 + seed, 'pgd20/accuracy': 64.0 + seed}))
        rows.append(('at_pgd-at_step0.00625', seed, {'clean/accuracy': 80.0 + seed + (0.2 if seed % 2 else -0.2),
                                                      'pgd20/accuracy': 62.0 + seed + 0.1 * (seed % 2)}))
    rows.append(('at_pgd-at_step0.0125', 0, {'clean/accuracy': 79.0, 'pgd20/accuracy': 66.0}))
    write(records / 'at.jsonl', rows)
    text = build_doc.build(str(records))
    assert '| PGD-AT + SLIM (paper) − PGD-AT, step 0.00625 |' in text
    assert 'PGD-AT + SLIM (paper) vs PGD-AT, step 0.00625, PGD-20: +1.96' in text
    assert 'SLIM beats the attack-strength control' in text
    assert 'PGD-AT + SLIM (paper) vs PGD-AT, step 0.00625, clean: +0.04' in text
    # the base pairs need the base rows, which are absent: no base verdicts, and no control pair with step 0.0125
    assert 'vs PGD-AT, PGD-20' not in text and 'step 0.0125 |' not in text.split('attack-strength control')[1]


def test_clustering_and_weight_noise_tables_are_descriptive_with_layers_and_sigmas_from_the_records(tmp_path):
    records = tmp_path / 'records'
    records.mkdir()
    rows = []
    for seed in range(5):
        for name, shift in (('at_pgd-at', 0.0), ('at_pgd-at_slim-balanced', 1.0)):
            metrics = {f'clustering_{kind}/{layer}': 50.0 + shift + seed for kind in ('clean', 'pgd', 'lafeat')
                       for layer in ('backbone.layer1', 'head')}
            metrics.update({'noise_0.05/accuracy': 70.0 + shift, 'noise_0/accuracy': 90.0 + shift,
                            'noise_0.01/accuracy': 85.0 + shift})
            rows.append((name, seed, metrics))
    write(records / 'at_analysis.jsonl', rows)
    text = build_doc.build(str(records))
    table5 = text.split('Table 5 at CPU scale')[2]  # the PGD inputs
    assert table5.startswith(': clustering accuracy (%) per layer on pgd')
    assert '| method | backbone.layer1 | head | seeds |' in table5
    assert '| PGD-AT + SLIM (balanced) − PGD-AT | +1.00 [+1.00, +1.00] | +1.00 [+1.00, +1.00] | 5 |' in table5
    noise = text.split('Fig. 5 at CPU scale')[1]
    assert '| method | σ=0 | σ=0.01 | σ=0.05 | seeds |' in noise  # ascending σ, whatever the records' order
    # descriptive: no verdicts, and the two scales the stage did not choose are not owed
    assert 'Verdicts' not in noise and 'Not run yet' not in text.split('Table 5 at CPU scale')[1]


def test_the_readme_region_gets_the_headline_paired_tables_and_verdicts(tmp_path):
    records = tmp_path / 'records'
    records.mkdir()
    write(records / 'at.jsonl', [(name, seed, {'clean/accuracy': 80.0 + seed + shift, 'pgd20/accuracy': 60.0 + shift})
                                 for seed in range(5) for name, shift in (('at_pgd-at', 0.0),
                                                                          ('at_pgd-at_slim-mean', -0.5 + 0.01 * seed))])
    doc, readme = tmp_path / 'evidence.md', tmp_path / 'README.md'
    doc.write_text(f'{build_doc.BEGIN}\n{build_doc.END}\n')
    readme.write_text(f'# project\n{build_doc.README_BEGIN}\nold\n{build_doc.README_END}\nmore\n')
    build_doc.main(['--records-dir', str(records), '--doc', str(doc), '--readme', str(readme)])
    text = readme.read_text()
    assert text.startswith('# project\n') and text.endswith(f'{build_doc.README_END}\nmore\n') and 'old' not in text
    assert '**Adversarial training, short schedule' in text and '| PGD-AT + SLIM (mean) − PGD-AT |' in text
    assert 'PGD-AT + SLIM (mean) vs PGD-AT, PGD-20: -0.48' in text and 'SLIM is worse than its base' in text
    assert '**Fashion-MNIST -> Fashion-MNIST-C (best source-val checkpoint)**\n\nNo records yet.' in text
    assert 'vs PGD-AT, clean' not in text  # verdicts on the first headline metric only
    assert '| method | clean |' not in text  # the mean +- std tables stay in docs/evidence.md


def test_neither_document_is_written_when_one_lacks_its_region(tmp_path):
    records = tmp_path / 'records'
    records.mkdir()
    write(records / 'at.jsonl', [(name, seed, {'clean/accuracy': 80.0, 'pgd20/accuracy': 60.0 + seed})
                                 for seed in range(2) for name in ('at_pgd-at', 'at_pgd-at_slim-mean')])
    doc, readme = tmp_path / 'evidence.md', tmp_path / 'README.md'
    doc.write_text(f'{build_doc.BEGIN}\nkept\n{build_doc.END}\n')
    readme.write_text('a README without the region\n')
    with pytest.raises(ValueError, match='evidence:begin'):
        build_doc.main(['--records-dir', str(records), '--doc', str(doc), '--readme', str(readme)])
    assert 'kept' in doc.read_text() and readme.read_text() == 'a README without the region\n'
    assert not (tmp_path / 'evidence_figures').exists()


def test_a_document_without_one_results_region_is_refused():
    with pytest.raises(ValueError, match='results:begin'):
        build_doc.replace_results('no markers', 'x')


def test_attack_control_matches_the_weakest_slim_attack(tmp_path):
    import attack_control
    losses = {'at_pgd-at_slim-mean': 0.9, 'at_pgd-at_slim-paper': 0.7, 'at_pgd-at_slim-balanced': 0.8,
              'at_pgd-at_step0.0125': 0.85, 'at_pgd-at_step0.00625': 0.72, 'at_pgd-at_step0.003125': 0.5}
    assert attack_control.choose(losses) == 'at_pgd-at_step0.00625'
    assert attack_control.choose({**losses, 'at_pgd-at_slim-paper': None}) is None
    work_dir = tmp_path / 'run'
    (work_dir / '20260101_000000' / 'vis_data').mkdir(parents=True)
    lines = [dict(loss_adv_ce=2.0, epoch=1), dict(loss_adv_ce=1.0, epoch=2), dict(loss_adv_ce=0.5, epoch=2),
             dict(lr=0.1, epoch=2)]
    (work_dir / '20260101_000000' / 'vis_data' / 'scalars.json').write_text(
        ''.join(json.dumps(line) + '\n' for line in lines))
    assert attack_control.last_epoch_loss(str(work_dir)) is None  # not finished
    (work_dir / 'train_done').write_text('1\n')
    assert attack_control.last_epoch_loss(str(work_dir)) == 0.75

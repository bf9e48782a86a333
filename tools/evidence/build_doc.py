"""Regenerate the results section of docs/evidence.md from the sweep records.

    python tools/evidence/build_doc.py [--records-dir docs/evidence_records] [--doc docs/evidence.md]

Everything between ``<!-- results:begin -->`` and ``<!-- results:end -->`` is replaced (the
pre-registered protocol above the markers is never touched). Per table of ``TABLES``: the mean ± std
table and the paired SLIM − base table of ``tools/make_results_table.py`` (``results_table`` and
``paired_table``, the functions behind its ``--paired``), then one verdict per pair and headline metric
by the protocol's decision rule: SLIM beats its base when the paired 95 % interval of the difference
excludes 0 and lies above it. Rows without records yet are listed as missing; a pair is judged only
once both rows have the protocol's number of seeds (before that its verdict reads "incomplete").
The forest plot of every pair's headline difference (``forest_plot.py``) is redrawn beside the document,
``docs/evidence_figures/paired_differences.png``, and linked at the top of the region.
"""
import argparse
import fnmatch
import math
import os.path as osp
import statistics
import sys
from typing import List, Optional, Sequence, Tuple

from scipy import stats

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from make_results_table import load_records, paired_table, results_table, values_by_seed  # noqa: E402

import forest_plot  # noqa: E402  (tools/evidence, beside this file)

BEGIN, END = '<!-- results:begin -->', '<!-- results:end -->'
README_BEGIN, README_END = '<!-- evidence:begin -->', '<!-- evidence:end -->'
FIGURE = 'evidence_figures/paired_differences.png'  # relative to the document
PROTOCOL_SEEDS = 5
FM_C = ['gaussian_noise', 'shot_noise', 'impulse_noise', 'defocus_blur', 'glass_blur', 'motion_blur',
        'zoom_blur', 'snow', 'fog', 'rain', 'brightness', 'contrast', 'elastic_transform', 'pixelate',
        'jpeg_compression']

# The short schedule's SLIM rows (label, run name) and their pairs with the base rows, in two tables.
AT_SLIM_ROWS = [(f'{base} + SLIM ({scale})', f'at_{name}_slim-{scale}')
                for base, name in (('PGD-AT', 'pgd-at'), ('TRADES', 'trades')) for scale in ('mean', 'paper', 'balanced')]
AT_SLIM_PAIRS = [(label, label.split(' + ')[0]) for label, _ in AT_SLIM_ROWS]
# The attack-strength control: the SLIM scale with the weakest seed-0 training attack against the grid step whose
# seed-0 training adversarial loss is closest to it, as tools/evidence/attack_control.py chose them from seed 0's
# training logs before seeds 1-4 ran (docs/evidence.md, run log 14:31 UTC: scale `paper`, step 0.00625).
AT_CONTROL_PAIRS = [('PGD-AT + SLIM (paper)', 'PGD-AT, step 0.00625')]

# The analysis stage (tools/evidence/analysis_stage.py): PGD-AT and the one SLIM scale it chose.
AT_ANALYSIS_ROWS = [('PGD-AT', 'at_pgd-at'), *AT_SLIM_ROWS[:3]]

# title, records file (under --records-dir), metric keys and labels (or a metric_prefix: the records' keys
# that start with it, labelled by the rest), rows (label, run-name glob), pairs (SLIM row, base row), headline
# metric keys for the verdicts (none: a descriptive table), optional controls (SLIM row, control row), and
# list_missing=False where rows without records are not owed (the analysis stage runs one SLIM scale), and
# readme=True for the two headline tables the README repeats (one paired table of the first two metrics with
# the controls, and the verdicts on the first headline metric)
TABLES = [
    dict(title='Adversarial training, short schedule (last checkpoint, all 10,000 test images)',
         records='at.jsonl', metrics=['clean/accuracy', 'pgd20/accuracy'], labels=['clean', 'PGD-20'],
         rows=[('natural', 'at_natural'), ('PGD-AT', 'at_pgd-at'), ('PGD-CS AT', 'at_pgd-cs-at'),
               ('TRADES', 'at_trades'), ('MART', 'at_mart'),
               *AT_SLIM_ROWS,
               ('PGD-AT, step 0.0125', 'at_pgd-at_step0.0125'),
               ('PGD-AT, step 0.00625', 'at_pgd-at_step0.00625'),
               ('PGD-AT, step 0.003125', 'at_pgd-at_step0.003125')],
         pairs=AT_SLIM_PAIRS,
         headline=['pgd20/accuracy', 'clean/accuracy'],
         controls=AT_CONTROL_PAIRS, readme=True),
    dict(title='Adversarial training, short schedule: stronger attacks on the first 1,000 test images',
         records='at_robust.jsonl',
         metrics=['autoattack/accuracy', 'lafeat/accuracy', 'ssa/accuracy', 'worst_case/accuracy'],
         labels=['AutoAttack', 'LAFEAT', 'SSA', 'worst case'],
         rows=[('PGD-AT', 'at_pgd-at'), ('TRADES', 'at_trades'),
               *AT_SLIM_ROWS],
         pairs=AT_SLIM_PAIRS,
         headline=['worst_case/accuracy', 'autoattack/accuracy']),
    *[dict(title=f'Table 5 at CPU scale: clustering accuracy (%) per layer on {inputs} test images (first 1,000; '
                 'short schedule)',
           records='at_analysis.jsonl', metric_prefix=f'clustering_{inputs}/', rows=AT_ANALYSIS_ROWS,
           pairs=AT_SLIM_PAIRS[:3], headline=[], list_missing=False)
      for inputs in ('clean', 'pgd', 'lafeat')],
    dict(title='Fig. 5 at CPU scale: accuracy (%) on 1,000 training images under Gaussian weight noise of std σ '
               '(mean of 5 draws; short schedule)',
         records='at_analysis.jsonl', metric_prefix='noise_', rows=AT_ANALYSIS_ROWS, pairs=AT_SLIM_PAIRS[:3],
         headline=[], list_missing=False),
    dict(title='Adversarial training, long schedule (best checkpoint on source-val PGD-20, and last)',
         records='at_long.jsonl', metrics=['clean/accuracy', 'pgd20/accuracy'], labels=['clean', 'PGD-20'],
         rows=[(f'{label} ({which})', f'{name}@{which}')
               for label, name in (('PGD-AT', 'long_pgd-at'),
                                   ('PGD-AT + SLIM (mean)', 'long_pgd-at_slim-mean'),
                                   ('PGD-AT + SLIM (paper)', 'long_pgd-at_slim-paper'),
                                   ('PGD-AT + SLIM (balanced)', 'long_pgd-at_slim-balanced'))
               for which in ('best', 'last')],
         pairs=[(f'PGD-AT + SLIM ({scale}) ({which})', f'PGD-AT ({which})')
                for scale in ('mean', 'paper', 'balanced') for which in ('best', 'last')],
         headline=['pgd20/accuracy', 'clean/accuracy']),
    dict(title='Fashion-MNIST -> Fashion-MNIST-C (best source-val checkpoint)',
         records='dg.jsonl',
         metrics=['clean/accuracy', 'corruption_mean/accuracy'] + [f'{c}/accuracy' for c in FM_C],
         labels=['clean', 'mean over corruptions'] + FM_C,
         rows=[('ERM', 'wrn16_1_erm'), ('DSU', 'wrn16_1_dsu'), ('ASA', 'wrn16_1_asa'),
               ('ASA + SLIM (mean)', 'wrn16_1_asa-slim-mean'),
               ('ASA + SLIM (paper)', 'wrn16_1_asa-slim-paper'),
               ('ASA + SLIM (balanced)', 'wrn16_1_asa-slim-balanced')],
         pairs=[('ASA + SLIM (mean)', 'ASA'), ('ASA + SLIM (paper)', 'ASA'),
                ('ASA + SLIM (balanced)', 'ASA')],
         headline=['corruption_mean/accuracy', 'clean/accuracy'], readme=True),
]


def interval(differences: Sequence[float]) -> Tuple[float, float, float]:
    mean = statistics.fmean(differences)
    half = stats.t.ppf(0.975, len(differences) - 1) * statistics.stdev(differences) / math.sqrt(len(differences))
    return mean, mean - half, mean + half


BASE_OUTCOMES = ('SLIM beats its base', 'SLIM is worse than its base')
CONTROL_OUTCOMES = ('SLIM beats the attack-strength control', 'SLIM is worse than the attack-strength control')


def paired_differences(records, rows, pair, key) -> List[float]:
    """first − second of ``key`` per seed both rows have, in seed order."""
    patterns = dict(rows)
    first, second = pair
    a = values_by_seed(records, first, patterns[first], key)
    b = values_by_seed(records, second, patterns[second], key)
    return [a[s] - b[s] for s in sorted(set(a) & set(b))]


def figure_point(records, rows, pair, key) -> tuple:
    """(pair label, mean, low, high, seeds) of the forest plot; one seed has no interval (low = high = mean)."""
    differences = paired_differences(records, rows, pair, key)
    mean, low, high = interval(differences) if len(differences) > 1 else (differences[0],) * 3
    return f'{pair[0]} − {pair[1]}', mean, low, high, len(differences)


def verdict(records, rows, pair, key, label, outcomes=BASE_OUTCOMES) -> str:
    """The decision rule's reading of one pair and metric; ``outcomes`` words the above-0 and below-0 cases."""
    first, second = pair
    differences = paired_differences(records, rows, pair, key)
    if len(differences) < PROTOCOL_SEEDS:
        return f'- {first} vs {second}, {label}: incomplete ({len(differences)} of {PROTOCOL_SEEDS} paired seeds)'
    mean, low, high = interval(differences)
    if low > 0:
        outcome = outcomes[0]
    elif high < 0:
        outcome = outcomes[1]
    else:
        outcome = 'no difference shown (the interval contains 0)'
    return (f'- {first} vs {second}, {label}: {mean:+.2f} [{low:+.2f}, {high:+.2f}] '
            f'over {len(differences)} seeds: {outcome}')


def prefixed_metrics(records, prefix: str) -> dict:
    """The metric keys of ``records`` that start with ``prefix``, in first-seen order (numeric suffixes, the
    weight-noise σ, ascending), with the rest of the key as label."""
    keys = list(dict.fromkeys(key for r in records for key in r['metrics'] if key.startswith(prefix)))
    labels = [key[len(prefix):].removesuffix('/accuracy') for key in keys]
    if prefix == 'noise_':
        order = sorted(range(len(keys)), key=lambda i: float(labels[i]))
        keys, labels = [keys[i] for i in order], [f'σ={labels[i]}' for i in order]
    return dict(metrics=keys, labels=labels)


def has_records(records, pattern) -> bool:
    return any(fnmatch.fnmatchcase(r['name'], pattern) for r in records)


def section(spec: dict, records: List[dict], panels: list, readme: Optional[list] = None) -> str:
    """The markdown of one table; appends its forest-plot panel (first headline metric) to ``panels`` and, for a
    ``readme`` table, its compact paired table and first-metric verdicts to ``readme``."""
    lines = [f"### {spec['title']}", '']
    present = [(label, pattern) for label, pattern in spec['rows'] if has_records(records, pattern)]
    missing = [label for label, pattern in spec['rows'] if not has_records(records, pattern)]
    if not present:
        if spec.get('readme') and readme is not None:
            readme += [f"**{spec['title']}**", '', 'No records yet.', '']
        return '\n'.join(lines + ['No records yet.', ''])
    if 'metric_prefix' in spec:
        spec = dict(spec, **prefixed_metrics(records, spec['metric_prefix']))
    lines += [results_table(records, spec['metrics'], spec['labels'], present), '']
    if missing and spec.get('list_missing', True):
        lines += ['Not run yet: ' + ', '.join(missing) + '.', '']
    labels = dict(zip(spec['metrics'], spec['labels']))
    patterns = dict(present)
    seeds_of = {label: {r['seed'] for r in records if fnmatch.fnmatchcase(r['name'], pattern)}
                for label, pattern in present}

    def shared(candidates):
        return [(first, second) for first, second in candidates
                if first in patterns and second in patterns and seeds_of[first] & seeds_of[second]]

    pairs = shared(spec['pairs'])
    if pairs:
        lines += [paired_table(records, spec['metrics'], present, pairs, spec['labels']), '']
        if spec['headline']:
            lines += ['Verdicts (decision rule: the paired 95 % interval excludes 0):', '']
            lines += [verdict(records, present, pair, key, labels[key]) for pair in pairs for key in spec['headline']]
            lines.append('')
    controls = shared(spec.get('controls', []))
    if controls:
        lines += ['Against the attack-strength control (PGD-AT with the weaker training attack whose adversarial '
                  'loss matches the SLIM row\'s; same rule, same seeds):', '',
                  paired_table(records, spec['metrics'], present, controls, spec['labels']), '']
        lines += [verdict(records, present, pair, key, labels[key], CONTROL_OUTCOMES)
                  for pair in controls for key in spec['headline']]
        lines.append('')
    if spec.get('readme') and readme is not None:
        readme += [f"**{spec['title']}**", '']
        if pairs or controls:
            key = spec['headline'][0]
            readme += [paired_table(records, spec['metrics'][:2], present, pairs + controls, spec['labels'][:2]), '',
                       f'Verdicts on {labels[key]}:', '']
            readme += [verdict(records, present, pair, key, labels[key], outcomes)
                       for group, outcomes in ((pairs, BASE_OUTCOMES), (controls, CONTROL_OUTCOMES)) for pair in group]
            readme.append('')
        else:
            readme += ['No paired seeds yet.', '']
    if spec['headline'] and (pairs or controls):
        key = spec['headline'][0]
        panels.append((spec['title'], labels[key], [figure_point(records, present, pair, key)
                                                    for pair in pairs + controls]))
    return '\n'.join(lines)


def build(records_dir: str, figure: Optional[str] = None, figure_link: str = FIGURE,
          readme: Optional[list] = None) -> str:
    """The results region; with ``figure`` (a path), the forest plot of every judged pair is drawn there and
    linked as ``figure_link`` at the top of the region; ``readme`` (a list) receives the headline tables' lines."""
    parts, panels = [], []
    for spec in TABLES:
        path = osp.join(records_dir, spec['records'])
        records = load_records([path]) if osp.isfile(path) else []
        parts.append(section(spec, records, panels, readme))
    if figure and panels:
        forest_plot.draw(panels, figure)
        parts.insert(0, f'![Paired SLIM − base differences with 95 % intervals, headline metric of each table]'
                        f'({figure_link})\n')
    return '\n'.join(parts)


def replace_results(doc: str, results: str, begin: str = BEGIN, end: str = END) -> str:
    if doc.count(begin) != 1 or doc.count(end) != 1 or doc.index(begin) > doc.index(end):
        raise ValueError(f'the document needs exactly one {begin} ... {end} region')
    head, rest = doc.split(begin)
    _, tail = rest.split(end)
    return f'{head}{begin}\n{results}\n{end}{tail}'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--records-dir', default='docs/evidence_records')
    parser.add_argument('--doc', default='docs/evidence.md')
    parser.add_argument('--readme', help=f'also rewrite its {README_BEGIN} ... {README_END} region with the '
                                         'headline paired tables and verdicts (tools/evidence/run.sh: README.md)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    with open(args.doc) as f:
        doc = f.read()
    readme = None
    if args.readme:
        with open(args.readme) as f:
            readme = f.read()
    # both documents are checked before anything (the figure included) is written: a missing region loses nothing
    replace_results(doc, '')
    if readme is not None:
        replace_results(readme, '', README_BEGIN, README_END)
    headline = []
    results = build(args.records_dir, osp.join(osp.dirname(osp.abspath(args.doc)), FIGURE), readme=headline)
    outputs = {args.doc: replace_results(doc, results)}
    if readme is not None:
        outputs[args.readme] = replace_results(readme, '\n'.join(headline), README_BEGIN, README_END)
    for path, text in outputs.items():
        with open(path, 'w') as f:
            f.write(text)
    print(results)


if __name__ == '__main__':
    main()

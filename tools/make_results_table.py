"""Markdown table of mean ± std over seeds from ``tools/run_seeds.py`` records.

    python tools/make_results_table.py RECORDS.jsonl [...] --metrics KEY [KEY ...] \
        [--labels LABEL ...] [--rows LABEL=GLOB ...] [--average LABEL] \
        [--paired ROW_A=ROW_B ...] [--out table.md]

One column per metric key. A row gathers the runs whose name matches its glob (default: one row per
run name, in order of appearance), so leave-one-domain-out runs, one config per target, form one
row: ``--rows ERM='erm_resnet18_*_pacs-lodo-*'`` with the four target accuracies as metrics. A cell is the
mean over seeds ± the sample standard deviation (ddof=1; "n/a" for one seed). ``--average`` adds a
column with, per seed, the mean over the metric columns, then mean ± std over seeds (DomainBed's
way of averaging over target domains). Missing or ambiguous values fail, naming the row and key.

``--paired A=B`` (row labels) adds a second table: per metric (and the average column), the
difference A - B computed per seed over the seeds both rows have (same seed = same data order and
initialisation, so the pairs share their noise), as ``mean [low, high]`` with the two-sided 95 %
Student-t interval ``mean ± t(0.975, n - 1) · sd / sqrt(n)``; "n/a" below two seeds.
"""
import argparse
import fnmatch
import json
import math
import statistics
from collections import OrderedDict

from scipy import stats


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Results table (mean ± std over seeds)')
    parser.add_argument('records', nargs='+', help='JSON-lines files written by run_seeds.py')
    parser.add_argument('--metrics', nargs='+', required=True, help='metric keys (columns)')
    parser.add_argument('--labels', nargs='+', help='column headers (default: the keys)')
    parser.add_argument('--rows', nargs='+', help='LABEL=GLOB over run names, in row order')
    parser.add_argument('--average', help='header of a per-seed average column')
    parser.add_argument('--paired', nargs='+', default=[],
                        help='ROW_A=ROW_B: per-seed differences A - B with a 95%% t-interval')
    parser.add_argument('--out', help='write the table there as well as to stdout')
    return parser.parse_args(argv)


def load_records(paths):
    records = []
    for path in paths:
        with open(path) as lines:
            records.extend(json.loads(line) for line in lines if line.strip())
    return records


def mean_std(values):
    mean = statistics.fmean(values)
    std = f'{statistics.stdev(values):.2f}' if len(values) > 1 else 'n/a'
    return f'{mean:.2f} ± {std}'


def values_by_seed(records, label, pattern, key):
    """{seed: value of ``key``} over the records whose name matches ``pattern``."""
    values = {}
    for record in records:
        if fnmatch.fnmatchcase(record['name'], pattern) and key in record['metrics']:
            if record['seed'] in values:
                raise ValueError(f"row '{label}': several runs of seed {record['seed']} have "
                                 f"'{key}'; narrow the pattern '{pattern}'")
            values[record['seed']] = float(record['metrics'][key])
    if not values:
        names = sorted({r['name'] for r in records if fnmatch.fnmatchcase(r['name'], pattern)})
        raise KeyError(f"row '{label}' (runs {names or 'none'} matching '{pattern}') has no "
                       f"metric '{key}'")
    return values


def results_table(records, metrics, labels=None, rows=None, average=None) -> str:
    if rows is None:
        rows = [(name, name) for name in OrderedDict.fromkeys(r['name'] for r in records)]
    labels = labels or metrics
    if len(labels) != len(metrics):
        raise ValueError(f'{len(labels)} labels for {len(metrics)} metrics')
    headers = list(labels) + ([average] if average else []) + ['seeds']
    lines = ['| method | ' + ' | '.join(headers) + ' |', '|---|' + '---|' * len(headers)]
    for label, pattern in rows:
        columns = [values_by_seed(records, label, pattern, key) for key in metrics]
        cells = [mean_std(list(column.values())) for column in columns]
        seeds = set.union(*(set(column) for column in columns))
        if average:
            common = set.intersection(*(set(column) for column in columns))
            if common != seeds:
                raise KeyError(f"row '{label}': seeds {sorted(seeds - common)} lack some of "
                               f'{metrics}, so no per-seed average')
            cells.append(mean_std([statistics.fmean(column[seed] for column in columns)
                                   for seed in sorted(common)]))
        lines.append(f'| {label} | ' + ' | '.join(cells) + f' | {len(seeds)} |')
    return '\n'.join(lines)


def paired_interval(differences):
    """``mean [low, high]`` of the two-sided 95 % Student-t interval of the mean difference."""
    mean = statistics.fmean(differences)
    if len(differences) < 2:
        return f'{mean:+.2f} [n/a]'
    half = stats.t.ppf(0.975, len(differences) - 1) * statistics.stdev(differences) / math.sqrt(len(differences))
    return f'{mean:+.2f} [{mean - half:+.2f}, {mean + half:+.2f}]'


def paired_table(records, metrics, rows, pairs, labels=None, average=None) -> str:
    """Per-seed differences between two rows (see the module docstring)."""
    patterns = dict(rows) if rows is not None else {n: n for n in OrderedDict.fromkeys(r['name'] for r in records)}
    labels = labels or metrics
    headers = list(labels) + ([average] if average else []) + ['seeds']
    lines = ['| difference (95% t-interval) | ' + ' | '.join(headers) + ' |', '|---|' + '---|' * len(headers)]
    for first, second in pairs:
        for label in (first, second):
            if label not in patterns:
                raise KeyError(f"--paired names row '{label}', which is not among {list(patterns)}")
        columns = [(values_by_seed(records, first, patterns[first], key),
                    values_by_seed(records, second, patterns[second], key)) for key in metrics]
        seeds = sorted(set.intersection(*(set(a) & set(b) for a, b in columns)))
        if not seeds:
            raise KeyError(f"rows '{first}' and '{second}' share no seed with every metric")
        cells = [paired_interval([a[seed] - b[seed] for seed in seeds]) for a, b in columns]
        if average:
            cells.append(paired_interval([statistics.fmean(a[seed] - b[seed] for a, b in columns)
                                          for seed in seeds]))
        lines.append(f'| {first} − {second} | ' + ' | '.join(cells) + f' | {len(seeds)} |')
    return '\n'.join(lines)


def parse_assignments(specs, option, form):
    """``A=B`` arguments of ``option`` as ``(A, B)`` pairs; ``form`` is the expected shape the error names."""
    pairs = []
    for spec in specs:
        first, sep, second = spec.partition('=')
        if not sep or not first or not second:
            raise ValueError(f"{option} takes {form}, got '{spec}'")
        pairs.append((first, second))
    return pairs


def parse_pairs(specs):
    return parse_assignments(specs, '--paired', 'ROW_A=ROW_B')


def parse_rows(specs):
    return parse_assignments(specs, '--rows', 'LABEL=GLOB')


def main(argv=None):
    args = parse_args(argv)
    rows = parse_rows(args.rows) if args.rows else None
    records = load_records(args.records)
    table = results_table(records, args.metrics, args.labels, rows, args.average)
    if args.paired:
        table += '\n\n' + paired_table(records, args.metrics, rows, parse_pairs(args.paired), args.labels,
                                       args.average)
    print(table)
    if args.out:
        with open(args.out, 'w') as out:
            out.write(table + '\n')


if __name__ == '__main__':
    main()

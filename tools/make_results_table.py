"""Markdown table of mean +- std over seeds from ``tools/run_seeds.py`` records.

    python tools/make_results_table.py RECORDS.jsonl [...] --metrics KEY [KEY ...] \
        [--names NAME ...] [--labels LABEL ...] [--out table.md]

One row per run name (in ``--names`` order, default: first appearance), one column per metric
key; a cell is the mean over that name's seeds +- the sample standard deviation (ddof=1; "n/a"
with one seed), and the last column counts the seeds. A name without a metric fails, naming both.
"""
import argparse
import json
import statistics
from collections import OrderedDict


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Results table (mean +- std over seeds)')
    parser.add_argument('records', nargs='+', help='JSON-lines files written by run_seeds.py')
    parser.add_argument('--metrics', nargs='+', required=True, help='metric keys (columns)')
    parser.add_argument('--labels', nargs='+', help='column headers (default: the keys)')
    parser.add_argument('--names', nargs='+', help='run names (rows) and their order')
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


def results_table(records, metrics, labels=None, names=None) -> str:
    by_name = OrderedDict()
    for record in records:
        by_name.setdefault(record['name'], []).append(record)
    names = names or list(by_name)
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise KeyError(f'no records for {unknown}; recorded names: {list(by_name)}')
    labels = labels or metrics
    if len(labels) != len(metrics):
        raise ValueError(f'{len(labels)} labels for {len(metrics)} metrics')
    lines = ['| method | ' + ' | '.join(labels) + ' | seeds |',
             '|---|' + '---|' * len(metrics) + '---|']
    for name in names:
        cells = []
        for key in metrics:
            values = []
            for record in by_name[name]:
                if key not in record['metrics']:
                    raise KeyError(f"run '{name}' seed {record['seed']} has no metric '{key}'; "
                                   f"it has {sorted(record['metrics'])}")
                values.append(float(record['metrics'][key]))
            cells.append(mean_std(values))
        seeds = sorted(record['seed'] for record in by_name[name])
        lines.append(f'| {name} | ' + ' | '.join(cells) + f' | {len(seeds)} |')
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    table = results_table(load_records(args.records), args.metrics, args.labels, args.names)
    print(table)
    if args.out:
        with open(args.out, 'w') as out:
            out.write(table + '\n')


if __name__ == '__main__':
    main()

"""A compact view of ``slim_strength.py``'s JSON: one row per layer x dictionary loss, one column group
per scale, at |lambda| = 1 (``lambda = -1 / +1``).

    python tools/analysis/slim_strength_table.py work_dirs/analysis/slim_strength/slim_strength.json

Columns per scale: the median per-sample (per factor tensor for ASA) ratio
||lambda grad L_dict|| / ||grad L_task||, the share of step signs that the SLIM term flips at
lambda = -1 / +1 and, for attacks that report it, the attack's accuracy (%) at lambda = -1 / +1.
"""
import argparse
import json
from collections import defaultdict


def compact_table(result: dict) -> str:
    by_key = defaultdict(dict)
    for record in result['records']:
        by_key[(record['layer'], record['loss'], record['scale'])][record['weight']] = record
    scales = result['scales']
    has_accuracy = any('attack_accuracy' in r for r in result['records'])
    header = ['layer', 'loss'] + [f'{s}: {c}' for s in scales
                                  for c in (['ratio', 'flips -1/+1 (%)'] + (['acc. -1/+1 (%)'] if has_accuracy else []))]
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    for layer in result['layers']:
        for loss in result['losses']:
            cells = [layer, loss]
            for scale in scales:
                minus, plus = by_key[(layer, loss, scale)].get(-1.0), by_key[(layer, loss, scale)].get(1.0)
                if minus is None or plus is None:
                    raise ValueError('the JSON has no lambda = -1 and +1 records: run slim_strength.py with its '
                                     'default --weights')
                cells += [f'{plus["median_ratio"]:.3g}',
                          f'{100 * minus["sign_flip_share"]:.0f} / {100 * plus["sign_flip_share"]:.0f}']
                if has_accuracy:
                    cells.append(f'{100 * minus["attack_accuracy"]:.1f} / {100 * plus["attack_accuracy"]:.1f}')
            lines.append('| ' + ' | '.join(cells) + ' |')
    task = result.get('task_only') or {}
    if 'attack_accuracy' in task:
        lines.append(f'\nTask-only attack: accuracy {100 * task["attack_accuracy"]:.1f} %'
                     + (f', another random start changes {100 * task["noise_floor_changed"]:.1f} % of x_adv'
                        if 'noise_floor_changed' in task else ''))
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('json', help="slim_strength.py's slim_strength.json")
    args = parser.parse_args(argv)
    with open(args.json) as handle:
        print(compact_table(json.load(handle)))


if __name__ == '__main__':
    main()

"""tools/analysis/slim_strength_table.py: the compact |lambda| = 1 view of slim_strength.py's JSON."""
import pytest
from analysis_cli_helpers import load_tool

table = load_tool('slim_strength_table')


def record(layer, loss, scale, weight, ratio, flips, accuracy=None):
    row = dict(layer=layer, loss=loss, scale=scale, weight=weight, median_ratio=ratio, sign_flip_share=flips)
    if accuracy is not None:
        row['attack_accuracy'] = accuracy
    return row


def result(with_accuracy=True):
    records = []
    for scale, ratio in (('mean', 0.05), ('balanced', 1.0)):
        for weight in (-1.0, -0.5, 0.5, 1.0):
            records.append(record('layer1', 'mse', scale, weight, ratio * abs(weight), 0.1 * abs(weight) + (weight > 0) * 0.01,
                                  0.6 + 0.01 * weight if with_accuracy else None))
    task = dict(attack_accuracy=0.613, noise_floor_changed=0.256) if with_accuracy else dict(attack_loss=1.0)
    return dict(layers=['layer1'], losses=['mse'], scales=['mean', 'balanced'], records=records, task_only=task)


def test_one_row_per_layer_and_loss_at_lambda_one():
    text = table.compact_table(result())
    lines = text.splitlines()
    assert lines[0] == ('| layer | loss | mean: ratio | mean: flips -1/+1 (%) | mean: acc. -1/+1 (%) | balanced: ratio '
                        '| balanced: flips -1/+1 (%) | balanced: acc. -1/+1 (%) |')
    assert lines[2] == '| layer1 | mse | 0.05 | 10 / 11 | 59.0 / 61.0 | 1 | 10 / 11 | 59.0 / 61.0 |'
    assert lines[-1] == 'Task-only attack: accuracy 61.3 %, another random start changes 25.6 % of x_adv'


def test_families_without_an_attack_accuracy_have_no_accuracy_columns():
    text = table.compact_table(result(with_accuracy=False))
    assert 'acc.' not in text and text.splitlines()[2] == '| layer1 | mse | 0.05 | 10 / 11 | 1 | 10 / 11 |'


def test_a_json_without_lambda_one_names_the_fix():
    data = result()
    data['records'] = [r for r in data['records'] if abs(r['weight']) != 1.0]
    with pytest.raises(ValueError, match='default --weights'):
        table.compact_table(data)

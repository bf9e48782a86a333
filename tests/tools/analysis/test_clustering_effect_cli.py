"""tools/analysis/clustering_effect.py on a trained digits classifier; segmentors are refused."""
import json

import pytest
from analysis_cli_helpers import load_tool, png_size

tool = load_tool('clustering_effect')


def test_clean_pgd_and_corrupted_accuracy_per_layer(digits_classifier, tmp_path, capsys):
    tool.main([digits_classifier.config, digits_classifier.checkpoint, '--labels', 'erm',
               '--max-train-images', '640', '--max-images', '32', '--domain', 'source', '--work-dir', str(tmp_path)])
    payload = json.loads((tmp_path / 'clustering_effect.json').read_text())
    layers = ['backbone.conv1', 'backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'head']
    assert payload['layers'] == layers and payload['denominator'] == 'class'
    assert payload['train_images'] == 640 and payload['test_images'] == 32
    accuracy = {(r['inputs'], r['layer']): r['accuracy'] for r in payload['records']}
    assert set(accuracy) == {(kind, layer) for kind in ('clean', 'pgd', 'corrupted') for layer in layers}
    assert all(0 <= value <= 1 for value in accuracy.values())
    assert accuracy[('clean', 'head')] > 0.5  # the logits of a trained model cluster by class
    width, height = png_size(tmp_path / 'clustering_effect.png')
    assert width > 2 * height
    assert '| erm | pgd |' in capsys.readouterr().out


def test_segmentor_is_refused(tiny_segmentor, tmp_path):
    with pytest.raises(ValueError, match='needs a classifier'):
        tool.main([tiny_segmentor.config, tiny_segmentor.checkpoint, '--work-dir', str(tmp_path)])


def test_lafeat_inputs_train_a_head_and_attack(digits_classifier, tmp_path):
    tool.main([digits_classifier.config, digits_classifier.checkpoint, '--labels', 'erm', '--inputs', 'clean', 'lafeat',
               '--lafeat-epochs', '2', '--lafeat-steps', '3', '--max-train-images', '640', '--max-images', '32',
               '--domain', 'source', '--work-dir', str(tmp_path)])
    payload = json.loads((tmp_path / 'clustering_effect.json').read_text())
    accuracy = {(r['inputs'], r['layer']): r['accuracy'] for r in payload['records']}
    assert {kind for kind, _ in accuracy} == {'clean', 'lafeat'}
    assert all(0 <= value <= 1 for value in accuracy.values())
    # the attack moves the logits of a model that was never trained against it
    assert accuracy[('lafeat', 'head')] < accuracy[('clean', 'head')]


def test_the_attack_budget_is_a_setting(digits_classifier, tmp_path):
    # a budget of 0.001 barely moves the images: PGD's clustering equals the clean one up to an image or two
    tool.main([digits_classifier.config, digits_classifier.checkpoint, '--inputs', 'clean', 'pgd', '--eps', '0.001',
               '--step-size', '0.0005', '--max-train-images', '640', '--max-images', '32', '--domain', 'source',
               '--work-dir', str(tmp_path)])
    payload = json.loads((tmp_path / 'clustering_effect.json').read_text())
    assert payload['eps'] == 0.001 and payload['step_size'] == 0.0005
    accuracy = {(r['inputs'], r['layer']): r['accuracy'] for r in payload['records']}
    assert abs(accuracy[('pgd', 'head')] - accuracy[('clean', 'head')]) <= 2 / 32


def test_a_budget_in_the_wrong_units_is_refused(digits_classifier, tmp_path, capsys):
    with pytest.raises(SystemExit):
        tool.main([digits_classifier.config, digits_classifier.checkpoint, '--eps', '8', '--work-dir', str(tmp_path)])
    assert '--eps' in capsys.readouterr().err

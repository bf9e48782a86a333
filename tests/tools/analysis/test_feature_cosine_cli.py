"""tools/analysis/feature_cosine.py on a trained digits classifier and the tiny segmentor."""
import json

import pytest
from analysis_cli_helpers import load_tool, png_size

tool = load_tool('feature_cosine')
LAYERS = ['backbone.conv1', 'backbone.layer1', 'backbone.layer2', 'backbone.layer3']


def test_two_classifiers_two_sources(digits_classifier, tmp_path, capsys):
    tool.main([digits_classifier.config, digits_classifier.initial, digits_classifier.config,
               digits_classifier.checkpoint, '--labels', 'initial', 'trained', '--sources', 'PGD', 'random corruption',
               '--max-images', '12', '--domain', 'source', '--work-dir', str(tmp_path)])
    payload = json.loads((tmp_path / 'feature_cosine.json').read_text())
    assert payload['layers'] == LAYERS and payload['cosine_layer'] == 'backbone.layer3'
    keys = {(r['label'], r['source'], r['layer']) for r in payload['records']}
    assert keys == {(label, source, layer) for label in ('initial', 'trained')
                    for source in ('PGD', 'random corruption') for layer in LAYERS}
    assert all(-1 <= r['cosine'] <= 1 for r in payload['records'])
    assert payload['images'] == 12 and set(payload['cpu_seconds']) == {'initial', 'trained'}
    width, height = png_size(tmp_path / 'feature_cosine.png')
    assert width > 1.5 * height  # two panels side by side
    printed = capsys.readouterr().out
    assert '| trained | PGD |' in printed and 'CPU seconds: initial' in printed


def test_segmentor_layers_by_name(tiny_segmentor, tmp_path):
    tool.main([tiny_segmentor.config, tiny_segmentor.checkpoint, '--sources', 'PGD', 'AdvStyle (image)',
               '--layers', 'backbone.layer1', 'backbone.layer4', '--max-images', '2', '--work-dir', str(tmp_path)])
    payload = json.loads((tmp_path / 'feature_cosine.json').read_text())
    assert len(payload['records']) == 2 * 2 and payload['cosine_layer'] == 'backbone.layer4'
    assert (tmp_path / 'feature_cosine.png').exists()


def test_unknown_layer_lists_the_valid_names(digits_classifier, tmp_path):
    with pytest.raises(ValueError, match='backbone.layer1'):
        tool.main([digits_classifier.config, digits_classifier.checkpoint, '--layers', 'backbone.stage1',
                   '--max-images', '4', '--work-dir', str(tmp_path)])

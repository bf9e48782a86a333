"""tools/analysis/weight_noise.py: a classifier and a segmentor run, and the JSON -> table /
plot-data path against golden files."""
import json
from pathlib import Path

import torch
from analysis_cli_helpers import load_tool, png_size

tool = load_tool('weight_noise')
loading = load_tool('model_loading')
GOLDEN = Path(__file__).parent / 'golden'


def test_sigma_zero_is_the_model_and_noise_is_averaged(digits_classifier, tmp_path, capsys):
    tool.main([digits_classifier.config, digits_classifier.checkpoint, '--labels', 'erm', '--sigmas', '0', '0.05',
               '--draws', '2', '--max-images', '32', '--work-dir', str(tmp_path)])
    payload = json.loads((tmp_path / 'weight_noise.json').read_text())
    clean, noisy = payload['records']
    loaded = loading.load_model(digits_classifier.config, digits_classifier.checkpoint, 'erm')
    batches = loading.labelled_batches(loaded, 'train', 32, 64, 0, None)
    with torch.no_grad():
        correct = sum(int((loaded.model(x).argmax(1) == y).sum()) for x, y in batches)
    assert clean['accuracy'] == correct / 32 and clean['draws'] == 1
    assert noisy['sigma'] == 0.05 and noisy['draws'] == 2 and noisy['loss'] > clean['loss']
    width, height = png_size(tmp_path / 'weight_noise.png')
    assert width > 1.5 * height
    assert '| erm | ' in capsys.readouterr().out


def test_segmentor_pixel_accuracy(tiny_segmentor, tmp_path):
    tool.main([tiny_segmentor.config, tiny_segmentor.checkpoint, '--sigmas', '0', '0.1', '--draws', '1',
               '--max-images', '2', '--work-dir', str(tmp_path)])
    payload = json.loads((tmp_path / 'weight_noise.json').read_text())
    assert [r['sigma'] for r in payload['records']] == [0.0, 0.1]
    assert all(0 <= r['accuracy'] <= 1 for r in payload['records'])


def test_golden_json_to_table_and_plot_data():
    payload = json.loads((GOLDEN / 'weight_noise.json').read_text())
    assert tool.markdown_table(payload) == (GOLDEN / 'weight_noise_table.md').read_text().rstrip('\n')
    assert tool.curves(payload) == json.loads((GOLDEN / 'weight_noise_curves.json').read_text())

"""tools/analysis/gradient_shift_cosine.py over two checkpoints of a digits classifier."""
import json

from analysis_cli_helpers import load_tool, png_size

tool = load_tool('gradient_shift_cosine')


def test_every_iterate_of_every_checkpoint(digits_classifier, tmp_path, capsys):
    tool.main([digits_classifier.config, digits_classifier.initial, digits_classifier.config,
               digits_classifier.checkpoint, '--labels', 'step 0', 'step 30', '--steps', '3',
               '--layers', 'backbone.layer1', 'backbone.layer3', '--max-images', '12', '--batch-size', '8',
               '--work-dir', str(tmp_path)])
    payload = json.loads((tmp_path / 'gradient_shift_cosine.json').read_text())
    keys = [(r['label'], r['batch'], r['iteration'], r['layer']) for r in payload['records']]
    assert len(keys) == len(set(keys)) == 2 * 2 * 4 * 2  # models x batches (8 + 4 images) x iterates x layers
    assert all(-1 <= r['cosine'] <= 1 for r in payload['records'])
    assert sorted({r['images'] for r in payload['records']}) == [4, 8]
    assert '(ours)' in payload['definition']
    width, height = png_size(tmp_path / 'gradient_shift_cosine.png')
    assert width > 2.5 * height  # two layer panels and the per-model panel
    assert '| step 30 |' in capsys.readouterr().out


def test_batch_weighted_mean_curves():
    records = [dict(label='a', layer='l', iteration=0, cosine=1.0, images=3),
               dict(label='a', layer='l', iteration=0, cosine=0.0, images=1)]
    assert tool.mean_curves(records, ['a'], ['l'], [0]) == {('a', 'l'): [0.75]}

"""tools/analysis/hessian_trace.py on a trained digits classifier and the tiny segmentor."""
import json

from analysis_cli_helpers import load_tool, png_size

tool = load_tool('hessian_trace')


def test_clean_and_pgd_traces_per_module_with_cost(digits_classifier, tmp_path, capsys):
    tool.main([digits_classifier.config, digits_classifier.checkpoint, '--labels', 'erm',
               '--modules', 'backbone.conv1', 'head', '--max-samples', '4', '--max-images', '16',
               '--work-dir', str(tmp_path)])
    payload = json.loads((tmp_path / 'hessian_trace.json').read_text())
    assert [(r['inputs'], r['module']) for r in payload['records']] == [
        ('clean', 'backbone.conv1'), ('clean', 'head'), ('pgd', 'backbone.conv1'), ('pgd', 'head')]
    assert all(2 <= r['samples'] <= 4 for r in payload['records'])
    for cost in payload['costs']:
        rows = [r for r in payload['records'] if r['inputs'] == cost['inputs']]
        assert cost['hessian_vector_products'] == sum(r['samples'] for r in rows)
    head = next(r for r in payload['records'] if r['module'] == 'head')
    assert head['parameters'] == 64 * 10 and head['trace'] > 0  # cross-entropy is convex in the last layer
    width, height = png_size(tmp_path / 'hessian_trace.png')
    assert width > 1.5 * height
    printed = capsys.readouterr().out
    assert '| erm | pgd | 2 |' in printed and 'modules x samples' in printed and 'CPU seconds: erm' in printed


def test_segmentor_clean_batch(tiny_segmentor, tmp_path):
    tool.main([tiny_segmentor.config, tiny_segmentor.checkpoint, '--inputs', 'clean', '--max-samples', '2',
               '--modules', 'backbone.stem.0', 'decode_head.conv_seg', '--max-images', '2', '--split', 'test',
               '--work-dir', str(tmp_path)])
    payload = json.loads((tmp_path / 'hessian_trace.json').read_text())
    assert [r['module'] for r in payload['records']] == ['backbone.stem.0', 'decode_head.conv_seg']
    assert all(r['samples'] == 2 for r in payload['records'])

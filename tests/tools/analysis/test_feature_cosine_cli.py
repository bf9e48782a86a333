"""tools/analysis/feature_cosine.py on a trained digits classifier and the tiny segmentor."""
import json

import pytest
import torch
from analysis_cli_helpers import REPO_ROOT, load_tool, png_size

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


ASA_CONFIG = str(REPO_ROOT / 'configs' / 'digits_demo' / 'asa_wrn16-1_1xb64-20e_digits-style-shift.py')
ASA_POSITIONS = ['backbone.conv1', 'backbone.layer1', 'backbone.layer2', 'backbone.layer3']  # placement_wrn.py


@pytest.fixture(scope='module')
def asa_checkpoint(digits_classifier, tmp_path_factory):
    """A ``StyleAugmented`` ASA checkpoint of the trained digits weights with known control factors
    (Sigma_mu = 0.05 (i + 1), Sigma_sigma = 0.02 (i + 1) at position i)."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    loading = load_tool('model_loading')
    init_default_scope('mmseg')
    wrapper = MODELS.build(Config.fromfile(ASA_CONFIG).model)
    wrapper.model.load_state_dict(loading.checkpoint_weights(digits_classifier.checkpoint))
    with torch.no_grad():
        for index, (_, module) in enumerate(wrapper.augmentation.items()):
            module.mean_factor.fill_(0.05 * (index + 1))
            module.std_factor.fill_(0.02 * (index + 1))
            module.initialized.fill_(True)
    path = tmp_path_factory.mktemp('asa') / 'asa.pth'
    torch.save({'state_dict': wrapper.state_dict()}, path)
    return str(path)


def test_asa_source_uses_learned_factors_or_asa_initial_estimate(digits_classifier, asa_checkpoint, tmp_path, capsys):
    tool.main([digits_classifier.config, digits_classifier.checkpoint, ASA_CONFIG, asa_checkpoint,
               '--labels', 'erm', 'asa', '--sources', 'PGD', 'AdvStyle (ASA)', '--max-images', '12',
               '--domain', 'source', '--work-dir', str(tmp_path)])
    payload = json.loads((tmp_path / 'feature_cosine.json').read_text())
    assert payload['sources'] == ['PGD', 'AdvStyle (ASA)'] and len(payload['records']) == 2 * 2 * 4
    learned, initial = payload['asa']['asa'], payload['asa']['erm']
    assert learned['control_factors'] == 'learned' and initial['control_factors'].startswith('initial')
    assert learned['positions'] == ASA_POSITIONS == initial['positions']
    assert [value for p in ASA_POSITIONS for value in learned['mean_factors'][p]] == pytest.approx(
        [value for i in range(4) for value in (0.05 * (i + 1), 0.02 * (i + 1))])
    assert all(value > 0 for pair in initial['mean_factors'].values() for value in pair)
    asa_values = [r['cosine'] for r in payload['records'] if r['source'] == 'AdvStyle (ASA)']
    assert all(-1 <= value < 1 for value in asa_values)  # ASA acts from conv1 on
    width, height = png_size(tmp_path / 'feature_cosine.png')
    assert width > 1.5 * height  # two panels side by side
    assert 'AdvStyle (ASA) on asa: learned control factors' in capsys.readouterr().out


def test_asa_positions_option_leaves_upstream_layers_unchanged(digits_classifier, tmp_path):
    tool.main([digits_classifier.config, digits_classifier.checkpoint, '--sources', 'AdvStyle (ASA)',
               '--asa-positions', 'backbone.layer2', '--max-images', '12', '--work-dir', str(tmp_path)])
    payload = json.loads((tmp_path / 'feature_cosine.json').read_text())
    cosine = {r['layer']: r['cosine'] for r in payload['records']}
    assert cosine['backbone.conv1'] == pytest.approx(1.0, abs=1e-6)
    assert cosine['backbone.layer1'] == pytest.approx(1.0, abs=1e-6)
    assert cosine['backbone.layer2'] < 1 and cosine['backbone.layer3'] < 1


def test_loaded_asa_model_has_learned_factors_and_no_hooks(asa_checkpoint):
    loading = load_tool('model_loading')
    loaded = loading.load_model(ASA_CONFIG, asa_checkpoint, 'asa')
    assert list(loaded.asa_control_factors) == ASA_POSITIONS
    assert float(loaded.asa_control_factors['backbone.layer3'][1].mean()) == pytest.approx(0.08)
    assert all(not module._forward_hooks for module in loaded.model.modules())
    settings = loading.asa_settings(loaded, ['backbone.layer1'])  # learned positions win
    assert settings['positions'] == ASA_POSITIONS and settings['control_factors'] is loaded.asa_control_factors


def test_asa_without_a_known_placement_asks_for_positions(tiny_segmentor):
    loading = load_tool('model_loading')
    loaded = loading.load_model(tiny_segmentor.config, tiny_segmentor.checkpoint, 'tiny')
    loaded.model.wrapped.backbone.__class__ = type('CustomBackbone', (type(loaded.model.wrapped.backbone),), {})
    with pytest.raises(ValueError, match='give --asa-positions'):
        loading.asa_settings(loaded)
    assert loading.asa_settings(loaded, ['backbone.layer1'])['positions'] == ['backbone.layer1']

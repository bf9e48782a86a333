"""tools/analysis/slim_strength.py on the three families SLIM acts in: Fashion-MNIST PGD-AT + SLIM
and PGD-CS (pixel PGD, random initialisation, fake IDX files), the digits demo's AdvStyle-Zhong +
SLIM (style statistics, with the trained digits checkpoint) and ASA + SLIM (control factors)."""
import json

import pytest
from analysis_cli_helpers import REPO_ROOT, load_tool
from fashion_mnist_fakes import write_split

FASHION = REPO_ROOT / 'configs' / 'fashion_mnist_at'
DIGITS = REPO_ROOT / 'configs' / 'digits_demo'
ZHONG_SLIM = DIGITS / 'advstyle-zhong-slim_wrn16-1_1xb64-20e_digits-style-shift.py'
ASA_SLIM = DIGITS / 'asa-slim_wrn16-1_1xb64-20e_digits-style-shift.py'


@pytest.fixture(scope='module')
def fashion_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('fashion') / 'fashion-mnist'
    write_split(root, 'train', 8)
    write_split(root, 't10k', 2)
    return root


def tiny_at_options(root):
    return ['--cfg-options', f'train_dataloader.dataset.data_root={root}', 'model.attack.steps=2',
            'model.model.backbone.channels=[4,4,4]', 'model.model.in_channels=4']


def run(tmp_path, *argv):
    out = tmp_path / 'out'
    load_tool('slim_strength').main([str(a) for a in argv] + ['--out', str(out)])
    return json.loads((out / 'slim_strength.json').read_text()), (out / 'slim_strength.md').read_text()


def test_pixel_attack_rows_for_every_layer_loss_scale_and_weight(fashion_root, tmp_path, capsys):
    result, table = run(tmp_path, FASHION / 'smallcnn_pgd-at_slim.py', '--num-images', '4', '--weights', '-1', '0.5',
                        *tiny_at_options(fashion_root))
    assert result['family'] == 'AdversarialTraining' and result['checkpoint'] == 'random initialisation'
    assert result['layers'] == ['backbone.layer1', 'backbone.layer2', 'backbone.layer3'] and result['images'] == 4
    assert len(result['records']) == 3 * 3 * 3 * 2
    for record in result['records']:
        if record['scale'] == 'balanced':
            assert record['median_ratio'] == pytest.approx(abs(record['weight']), rel=1e-5)
        assert 0 <= record['x_adv_changed'] <= 1 and 0 <= record['attack_accuracy'] <= 1
    assert 0 < result['task_only']['noise_floor_changed'] <= 1
    assert '| backbone.layer2 | ortho | balanced | -1 | 1 |' in table
    assert 'noise floor (%)' in table.splitlines()[2] and 'task-only attack: loss' in table
    assert 'wrote' in capsys.readouterr().out


def test_pgd_cs_without_slim_uses_the_slim_stages_and_layers_all_resolves(fashion_root, tmp_path, capsys):
    result, _ = run(tmp_path, FASHION / 'smallcnn_pgd-cs-at.py', '--num-images', '2', '--weights', '1',
                    '--scale', 'paper', '--losses', 'mse', '--no-ascent', *tiny_at_options(fashion_root))
    assert result['layers'] == ['backbone.layer1', 'backbone.layer2', 'backbone.layer3']
    assert result['task_only'] == {} and 'x_adv_changed' not in result['records'][0]
    result, _ = run(tmp_path, FASHION / 'smallcnn_pgd-cs-at.py', '--num-images', '2', '--weights', '1',
                    '--scale', 'mean', '--losses', 'reverse', '--layers', 'all', '--no-ascent',
                    *tiny_at_options(fashion_root))
    assert result['layers'] == ['backbone.layer1', 'backbone.layer2', 'backbone.layer3', 'pool']
    assert "SLIM layers='all' resolved to 4 layers of ImageClassifier" in capsys.readouterr().out


def test_advstyle_zhong_statistics_with_a_checkpoint(digits_classifier, tmp_path):
    result, table = run(tmp_path, ZHONG_SLIM, digits_classifier.checkpoint,
                        '--num-images', '4', '--weights', '1', '--layers', 'backbone.layer2', '--losses', 'mse')
    assert result['family'] == 'SLIMAdvStyle' and result['checkpoint'] == digits_classifier.checkpoint
    records = {r['scale']: r for r in result['records']}
    assert records['balanced']['median_ratio'] == pytest.approx(1.0, rel=1e-5)
    assert records['paper']['median_ratio'] > records['mean']['median_ratio'] > 0
    assert 'x_adv_changed' not in records['mean'] and 0 <= records['mean']['attack_accuracy'] <= 1
    assert 'noise floor' not in table


def test_asa_control_factors_per_factor_tensor(tmp_path):
    result, table = run(tmp_path, ASA_SLIM, '--num-images', '4', '--weights', '-0.5',
                        '--losses', 'reverse')
    assert result['family'] == 'StyleAugmented' and result['factors'] > 0
    assert result['layers'] == ['backbone.layer1', 'backbone.layer2', 'backbone.layer3']  # the config's slim_layers
    for record in result['records']:
        assert record['factors_reached'] > 0
        if record['scale'] == 'balanced':
            assert record['ratios'] == pytest.approx([0.5] * record['factors_reached'], rel=1e-5)
    assert 'attack loss' not in table


def test_asa_refuses_layers_it_did_not_probe(tmp_path):
    with pytest.raises(SystemExit, match=r"configured SLIM layers only.*\['backbone.conv1'\] not in"):
        run(tmp_path, ASA_SLIM, '--num-images', '2', '--layers', 'backbone.conv1')


def test_a_config_of_another_family_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="measures SLIM in AdversarialTraining, SLIMAdvStyle, StyleAugmented "
                                         "configs; this config builds 'ImageClassifier'"):
        run(tmp_path, FASHION / 'smallcnn_natural.py')

"""Feature-level AdvStyle (ASA) as a feature-cosine source: where it acts, its control factors,
seeding, and a model left exactly as it was."""
import pytest
import torch

from slim_mmseg.analysis import ASAStyleSource, feature_cosine, layer_features, standard_sources
from slim_mmseg.core import evaluation_mode
from slim_mmseg.core.style_modules import ASA
from slim_mmseg.core.style_statistics import batch_spread, style_statistics
from analysis_models import conv_classifier, image_batch

LAYERS = ['backbone.layer1', 'backbone.layer2', 'head']
POSITION = 'backbone.layer2'  # width 6


def factors(value, channels=6):
    return {POSITION: (torch.full((1, channels, 1, 1), value), torch.full((1, channels, 1, 1), value))}


def test_cosine_is_one_upstream_and_below_one_from_the_asa_position_on():
    model = conv_classifier()
    batches = [image_batch(seed=1), image_batch(seed=2)]
    for control_factors in (factors(0.5), None):  # learned-like factors and ASA's initial estimate
        result = feature_cosine(model, batches, ASAStyleSource(model, [POSITION], control_factors), LAYERS)
        assert result['backbone.layer1'] == pytest.approx(1.0, abs=1e-6)
        assert result['backbone.layer2'] < 0.995 and result['head'] < 0.9999


def test_zero_control_factors_leave_every_layer_unchanged():
    model = conv_classifier()
    result = feature_cosine(model, [image_batch()], ASAStyleSource(model, [POSITION], factors(0.0)), LAYERS)
    assert result == pytest.approx({layer: 1.0 for layer in LAYERS}, abs=1e-6)


def test_the_perturbed_feature_is_asa_advstyle_branch_on_the_eval_mode_feature():
    model = conv_classifier()
    images, labels = image_batch()
    given = factors(0.3)
    source = ASAStyleSource(model, [POSITION], given, seed=5)
    shifted = source.perturbed_features(images, labels, [POSITION])[POSITION]
    module = ASA(6, branch_probabilities=(0, 1, 0), seed=5).train()  # module 0 is seeded with seed + 0
    with torch.no_grad():
        module.mean_factor.copy_(given[POSITION][0])
        module.std_factor.copy_(given[POSITION][1])
        module.initialized.fill_(True)
        expected = module(layer_features(model.eval(), images, [POSITION])[POSITION].view(8, 6, 4, 4))
    assert torch.allclose(shifted, expected.flatten(1), atol=1e-6)
    assert module.last_branch == 'advstyle'


def test_without_factors_the_first_batch_sets_asa_initial_estimate_and_later_batches_keep_it():
    model = conv_classifier()
    first, second = image_batch(seed=1), image_batch(seed=2)
    source = ASAStyleSource(model, [POSITION])
    assert not source.learned
    source.perturbed_features(*first, [POSITION])
    with evaluation_mode(model):
        clean = layer_features(model, first[0], [POSITION])[POSITION].view(8, 6, 4, 4)
    mean, std = style_statistics(clean, 1e-6, unbiased=True)
    mean_factor, std_factor = source.control_factors()[POSITION]
    assert torch.allclose(mean_factor, batch_spread(mean, 1e-6), atol=1e-6)
    assert torch.allclose(std_factor, batch_spread(std, 1e-6), atol=1e-6)
    source.perturbed_features(*second, [POSITION])
    assert torch.equal(source.control_factors()[POSITION][0], mean_factor)


def test_seeded_determinism():
    model = conv_classifier()
    batches = [image_batch(seed=1)]

    def run(seed):
        return feature_cosine(model, batches, ASAStyleSource(model, [POSITION], factors(0.5), seed=seed), LAYERS)

    assert run(3) == run(3)
    assert run(3)['head'] != run(4)['head']


def test_model_is_left_exactly_as_it_was():
    model = conv_classifier()
    model.backbone.layer1.eval()  # mixed modes must come back as they were
    modes = {name: module.training for name, module in model.named_modules()}
    state = {key: value.clone() for key, value in model.state_dict().items()}
    given = factors(0.5)
    given_copy = {k: tuple(t.clone() for t in v) for k, v in given.items()}
    for control_factors in (given, None):
        source = ASAStyleSource(model, ['backbone.layer1', POSITION] if control_factors is None else [POSITION],
                                control_factors)
        feature_cosine(model, [image_batch(seed=1), image_batch(seed=2)], source, LAYERS)
    assert {name: module.training for name, module in model.named_modules()} == modes
    assert all(torch.equal(state[key], value) for key, value in model.state_dict().items())
    assert sorted(model.state_dict()) == sorted(state)
    assert all(not module._forward_hooks and not module._forward_pre_hooks for module in model.modules())
    assert all(p.grad is None for p in model.parameters())
    assert all(torch.equal(given[k][i], given_copy[k][i]) for k in given for i in range(2))  # factors not mutated


def test_standard_sources_builds_asa_only_with_positions():
    model = conv_classifier()
    assert 'AdvStyle (ASA)' not in standard_sources(model, POSITION)
    sources = standard_sources(model, POSITION, asa_positions=[POSITION])
    assert list(sources)[-1] == 'AdvStyle (ASA)' and isinstance(sources['AdvStyle (ASA)'], ASAStyleSource)
    with pytest.raises(ValueError, match='needs asa_positions'):
        standard_sources(model, POSITION, names=['AdvStyle (ASA)'])


def test_bad_configuration_names_the_fix():
    model = conv_classifier()
    images, labels = image_batch()
    with pytest.raises(ValueError, match='non-empty list'):
        ASAStyleSource(model, POSITION)
    with pytest.raises(ValueError, match='backbone.layer2'):
        ASAStyleSource(model, ['backbone.layer3']).perturbed_features(images, labels, LAYERS)
    with pytest.raises(ValueError, match='one \\(Sigma_mu, Sigma_sigma\\) pair per position'):
        ASAStyleSource(model, ['backbone.layer1'], factors(0.5)).perturbed_features(images, labels, LAYERS)
    with pytest.raises(ValueError, match='factors of another model'):
        ASAStyleSource(model, [POSITION], factors(0.5, channels=4)).perturbed_features(images, labels, LAYERS)
    with pytest.raises(RuntimeError, match='first batch'):
        ASAStyleSource(model, [POSITION]).control_factors()

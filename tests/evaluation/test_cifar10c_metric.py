"""CIFAR-10-C averaging (AugMix protocol) against a hand computation."""
import pytest

from slim_mmseg.evaluation.corruption_accuracy import CorruptionAccuracy
from slim_mmseg.evaluation.multi_domain_accuracy import MultiDomainAccuracy


def sample(domain, correct, severity=None):
    result = dict(domain=domain, gt_label=1, pred_label=1 if correct else 0)
    if severity is not None:
        result['severity'] = severity
    return result


def evaluate(metric, samples):
    metric.process({}, samples)
    return metric.compute_metrics(metric.results)


def test_mean_over_corruptions_of_accuracy_over_all_severities():
    samples = [sample('clean', c) for c in (1, 1, 1, 0)]
    # fog: severity 1 -> 2/2 correct, severity 2 -> 1/4 (unequal sizes: pooled, not averaged)
    samples += [sample('fog', c, 1) for c in (1, 1)] + [sample('fog', c, 2) for c in (1, 0, 0, 0)]
    # pixelate: severity 1 -> 1/2, severity 2 -> 2/2
    samples += [sample('pixelate', c, 1) for c in (1, 0)] + [sample('pixelate', c, 2)
                                                             for c in (1, 1)]
    metrics = evaluate(CorruptionAccuracy(expected_corruptions=['fog', 'pixelate']), samples)
    assert metrics['clean/accuracy'] == pytest.approx(75.0)
    assert metrics['fog/accuracy'] == pytest.approx(100 * 3 / 6)
    assert metrics['pixelate/accuracy'] == pytest.approx(100 * 3 / 4)
    assert metrics['corruption_mean/accuracy'] == pytest.approx((50.0 + 75.0) / 2)
    assert metrics['fog/severity2/accuracy'] == pytest.approx(25.0)
    assert metrics['severity1/accuracy'] == pytest.approx((100.0 + 50.0) / 2)
    assert metrics['severity2/accuracy'] == pytest.approx((25.0 + 100.0) / 2)
    assert 'clean/severity1/accuracy' not in metrics


def test_missing_corruptions_are_warned_about():
    metric = CorruptionAccuracy()  # expects the 15 corruptions
    with pytest.warns(UserWarning, match='missing from the evaluated data.*gaussian_noise'):
        metrics = evaluate(metric, [sample('fog', 1, 3)])
    assert metrics['corruption_mean/accuracy'] == 100.0


def test_multi_domain_accuracy_is_an_unweighted_mean_over_target_domains():
    samples = [sample('photo', c) for c in (1, 1, 1, 0)] + [sample('sketch', 0)]
    samples += [sample('source', 1)]
    metrics = evaluate(MultiDomainAccuracy(target_domains=['photo', 'sketch']), samples)
    assert metrics['photo/accuracy'] == 75.0 and metrics['sketch/accuracy'] == 0.0
    assert metrics['source/accuracy'] == 100.0
    assert metrics['target_mean/accuracy'] == pytest.approx(37.5)
    assert metrics['accuracy'] == pytest.approx(100 * 4 / 6)
    with pytest.raises(KeyError, match="'cartoon'"):
        evaluate(MultiDomainAccuracy(target_domains=['photo', 'cartoon']), samples)
    with pytest.raises(KeyError, match='domain'):
        evaluate(MultiDomainAccuracy(), [dict(gt_label=1, pred_label=1)])

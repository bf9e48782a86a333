"""Paired time ratios: the geometric mean and t interval on known rounds, the t quantiles against
tabulated values, the verdicts, and the errors."""
import math

import pytest

from slim_mmseg.profiling import RatioInterval, paired_ratio
from slim_mmseg.profiling.paired_ratio import t_quantile_975


def test_geometric_mean_and_t_interval_of_known_paired_rounds():
    # per-round ratios 1.1, 1.21, 1.0: log ratios log(1.1) * (1, 2, 0), mean log(1.1), sd log(1.1)
    interval = paired_ratio([1.1, 2.42, 3.0], [1.0, 2.0, 3.0])
    half = 4.303 * math.log(1.1) / math.sqrt(3)
    assert interval.value == pytest.approx(1.1)
    assert (interval.low, interval.high) == pytest.approx((1.1 * math.exp(-half), 1.1 * math.exp(half)))
    assert interval.rounds == 3


def test_the_interval_of_the_inverse_ratio_is_the_inverse_interval():
    a, b = [1.3, 1.1, 1.25, 1.4], [1.0, 1.05, 0.9, 1.2]
    forward, backward = paired_ratio(a, b), paired_ratio(b, a)
    assert forward.value * backward.value == pytest.approx(1.0)
    assert (forward.low * backward.high, forward.high * backward.low) == pytest.approx((1.0, 1.0))


def test_t_quantiles_match_the_tables():
    assert t_quantile_975(1) == 12.706 and t_quantile_975(30) == 2.042
    assert t_quantile_975(40) == pytest.approx(2.0211, abs=1e-4)
    assert t_quantile_975(120) == pytest.approx(1.9799, abs=1e-4)


def test_verdicts_say_when_the_interval_does_not_separate_the_ratio_from_its_target():
    assert RatioInterval(1.0, 0.95, 1.04, 10).verdict(1.05) == 'met'
    assert RatioInterval(1.2, 1.1, 1.3, 10).verdict(1.05) == 'NOT met'
    assert RatioInterval(1.03, 0.98, 1.08, 10).verdict(1.05) == 'not separated from the target'
    assert RatioInterval(1.03, 0.98, 1.08, 10).describe() == '1.030 [0.980, 1.080]'
    assert RatioInterval(1.03, 0.98, 1.08, 10).describe(1.05).endswith(
        '(target <= 1.05: not separated from the target)')


def test_bad_rounds_are_refused():
    with pytest.raises(ValueError, match='at least 2 paired rounds'):
        paired_ratio([1.0], [1.0])
    with pytest.raises(ValueError, match='as many numerator as denominator'):
        paired_ratio([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match='positive'):
        paired_ratio([1.0, 0.0], [1.0, 1.0])

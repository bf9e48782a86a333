"""Time ratios of two variants measured in paired, interleaved rounds, with a 95 % interval.

Round ``r`` times one step of every variant back to back, so the machine's load in that round
affects both sides of a ratio alike; the per-round ratios ``a_r / b_r`` are the paired samples.
Their logarithms are averaged: the reported ratio is the geometric mean of the per-round ratios and
its interval is Student's t interval on the mean log ratio, exponentiated (a ratio's errors are
multiplicative, and the interval of ``b / a`` is then exactly the inverse of that of ``a / b``).
"""
import math
from dataclasses import dataclass
from typing import Optional, Sequence

# Student's t 0.975 quantiles for 1..30 degrees of freedom (two-sided 95 %).
T_975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
         2.045, 2.042)
Z_975 = 1.959964


def t_quantile_975(degrees_of_freedom: int) -> float:
    """The 0.975 quantile of Student's t: the table up to 30, then the Cornish-Fisher expansion
    (within 1e-4 of the exact value beyond 30)."""
    if degrees_of_freedom < 1:
        raise ValueError(f'a t interval needs at least 2 rounds, got {degrees_of_freedom + 1}')
    if degrees_of_freedom <= len(T_975):
        return T_975[degrees_of_freedom - 1]
    z, df = Z_975, degrees_of_freedom
    return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)


@dataclass(frozen=True)
class RatioInterval:
    value: float
    low: float
    high: float
    rounds: int

    def verdict(self, target: Optional[float]) -> str:
        """Against an upper target: 'met' when the whole interval is at or below it, 'NOT met' when
        it is above, otherwise 'not separated from the target' (more rounds, or a quieter machine)."""
        if target is None:
            return ''
        if self.high <= target:
            return 'met'
        if self.low > target:
            return 'NOT met'
        return 'not separated from the target'

    def describe(self, target: Optional[float] = None) -> str:
        text = f'{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]'
        return text if target is None else f'{text} (target <= {target}: {self.verdict(target)})'


def paired_ratio(numerator: Sequence[float], denominator: Sequence[float]) -> RatioInterval:
    """Geometric mean of ``numerator[r] / denominator[r]`` with its 95 % t interval."""
    if len(numerator) != len(denominator):
        raise ValueError(f'paired rounds need as many numerator as denominator times, got '
                         f'{len(numerator)} and {len(denominator)}')
    if len(numerator) < 2:
        raise ValueError(f'a 95 % interval needs at least 2 paired rounds, got {len(numerator)}')
    if min(*numerator, *denominator) <= 0:
        raise ValueError('times must be positive')
    logs = [math.log(a / b) for a, b in zip(numerator, denominator)]
    n = len(logs)
    mean = sum(logs) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in logs) / (n - 1))
    half = t_quantile_975(n - 1) * sd / math.sqrt(n)
    return RatioInterval(math.exp(mean), math.exp(mean - half), math.exp(mean + half), n)

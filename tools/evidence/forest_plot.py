"""The evidence document's figure: every SLIM − base (and SLIM − control) difference of a headline metric as a
point with its paired 95 % t-interval, one panel per table, a line at 0 (a forest plot).

``draw(panels, path)`` writes the PNG; ``panels`` is ``[(title, metric label, [(pair label, mean, low, high,
seeds), ...]), ...]`` as ``build_doc.py`` collects them. A pair with a single seed has no interval and is drawn
as a hollow point.
"""
import os
import os.path as osp
import textwrap
from typing import List, Sequence, Tuple

Point = Tuple[str, float, float, float, int]


def draw(panels: Sequence[Tuple[str, str, List[Point]]], path: str) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    heights = [max(1.2, 0.35 * len(points) + 0.8) for _, _, points in panels]
    figure, axes = plt.subplots(len(panels), 1, figsize=(8, sum(heights)), squeeze=False,
                                gridspec_kw=dict(height_ratios=heights))
    for axis, (title, metric, points) in zip(axes[:, 0], panels):
        rows = range(len(points))[::-1]
        for row, (label, mean, low, high, seeds) in zip(rows, points):
            if seeds > 1:
                axis.errorbar(mean, row, xerr=[[mean - low], [high - mean]], fmt='o', color='C0', capsize=3)
            else:
                axis.plot(mean, row, 'o', mfc='none', color='C0')
        axis.axvline(0, color='grey', linewidth=0.8)
        axis.set_yticks(list(rows), [f"{label} ({seeds} seed{'s' * (seeds != 1)})" for label, *_, seeds in points],
                        fontsize=7)
        axis.set_xlabel(f'difference in {metric} (points)', fontsize=8)
        axis.set_title(textwrap.fill(title, 80), fontsize=8)
        axis.grid(axis='x', alpha=0.3)
    figure.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)

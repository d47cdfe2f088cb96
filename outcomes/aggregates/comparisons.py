"""Each summary's comparisons with England and the region, and its recent trend, for its
latest point: one call of `outcomes.stats` per summary row (METHODS.md §2 and §3).

Pure: numpy only, and `outcomes.stats`.
"""

from __future__ import annotations

import numpy as np

from ..stats import CANNOT, TrendPoint, compare_to_benchmark, recent_trend
from .preparation import Groups

NOT_COMPARED = "Not compared"
TREND_POINTS = 5  # METHODS.md §3.2: the five most recent points


def _comparisons_and_trends(points: dict[str, list], groups: Groups, unbroken: list[int]
                            ) -> dict[str, list[str]]:
    """england_comparison, region_comparison, trend_marker and trend_label, a list each with
    one entry per group. `points` are the rows' lists (None for missing) by SERIES_FIELDS
    name, and "denominator"; `unbroken` is `_consecutive_years`."""
    values, lower, upper = points["value"], points["lower_ci"], points["upper_ci"]
    counts, denominators = points["count"], points["denominator"]
    englands, regions = points["england"], points["region"]
    england_comparison, region_comparison, trend_marker, trend_label = [], [], [], []
    for first, last, pol, un, freq in zip(groups.starts.tolist(), groups.latest.tolist(),
                                          groups.polarity, groups.unit, groups.frequency,
                                          strict=True):
        v, lo, up = values[last], lower[last], upper[last]
        if un == "count":
            # METHODS §2.1 and §3.1: an area's count is not compared with England's total,
            # and counts get no trend test.
            england_comparison.append(NOT_COMPARED)
            region_comparison.append(NOT_COMPARED)
            trend_marker.append(CANNOT)
            trend_label.append(CANNOT)
            continue
        england_comparison.append(compare_to_benchmark(
            value=v, benchmark=englands[last], lower95=lo, upper95=up, polarity=pol))
        region_comparison.append(compare_to_benchmark(
            value=v, benchmark=regions[last], lower95=lo, upper95=up, polarity=pol))
        oldest = max(first, last + 1 - min(TREND_POINTS, unbroken[last]))
        trend = recent_trend(
            [TrendPoint(values[j], lower[j], upper[j], counts[j], denominators[j])
             for j in range(oldest, last + 1)],
            polarity=pol, proportion=un == "percentage", single_year_periods=freq == "annual")
        trend_marker.append(trend.marker)
        trend_label.append(trend.label)
    return {"england_comparison": england_comparison, "region_comparison": region_comparison,
            "trend_marker": trend_marker, "trend_label": trend_label}


def _consecutive_years(start: np.ndarray, end: np.ndarray, starts: np.ndarray) -> list[int]:
    """For each row, how many single-year periods (365 or 366 days) run up to it, each
    starting the day after the one before ends, within its group. 0 for a row that is not a
    single year. The trend is tested only on such points (METHODS.md §3.1: YearRange 1, no
    breaks)."""
    n = len(start)
    days = (end - start).astype(np.int64) + 1
    single = (days >= 365) & (days <= 366)
    linked = np.zeros(n, dtype=bool)
    linked[1:] = (single[1:] & single[:-1]
                  & (start[1:] == end[:-1] + np.timedelta64(1, "D")))
    linked[starts] = False
    positions = np.arange(n)
    run_start = np.maximum.accumulate(np.where(linked, 0, positions)) if n else positions
    return np.where(single, positions - run_start + 1, 0).tolist()

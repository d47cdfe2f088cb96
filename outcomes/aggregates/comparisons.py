"""Each summary's comparisons with England and the region, and its recent trend, for its
latest point: one call of `outcomes.stats` per summary row (METHODS.md §2 and §3).

Pure: numpy only, and `outcomes.stats`.
"""

from __future__ import annotations

import numpy as np

from ..stats import (
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    NO_JUDGEMENT,
    TrendPoint,
    compare_to_benchmark,
    recent_trend,
)
from .preparation import Groups

NOT_COMPARED = "Not compared"
TREND_POINTS = 5  # METHODS.md §3.2: the five most recent points
JUDGED = (HIGHER_IS_BETTER, LOWER_IS_BETTER, NO_JUDGEMENT)


def _comparisons_and_trends(points: dict[str, list], groups: Groups, unbroken: list[int],
                            metric: dict[str, np.ndarray]) -> dict[str, list[str]]:
    """england_comparison, region_comparison, trend_marker and trend_label, a list each with
    one entry per group. `points` are the rows' lists (None for missing) by SERIES_FIELDS
    name, and "denominator", "lower_ci_998" and "upper_ci_998"; `unbroken` is
    `_consecutive_years`; `metric` each group's metric's attributes
    (`reference.metric_attributes`: where the metrics frame has no Fingertips metadata, the
    value type from the unit, compared at 95%)."""
    englands, regions = points["england"], points["region"]
    england_comparison, region_comparison, trend_marker, trend_label = [], [], [], []
    for i, (first, last, pol, freq) in enumerate(zip(
            groups.starts.tolist(), groups.latest.tolist(), groups.polarity,
            groups.frequency, strict=True)):
        value_type = metric["value_type"][i]
        if value_type == "count" or metric["comparator_method"][i] == "not_compared":
            # METHODS §2.1: an area's count is not compared with England's total, and a
            # metric Fingertips leaves uncompared is not compared.
            england_comparison.append(NOT_COMPARED)
            region_comparison.append(NOT_COMPARED)
        else:
            level = metric["confidence_level"][i]
            england_comparison.append(_compare(points, last, englands[last], pol, level))
            region_comparison.append(_compare(points, last, regions[last], pol, level))
        oldest = max(first, last + 1 - min(TREND_POINTS, unbroken[last]))
        trend = recent_trend(
            [TrendPoint(points["value"][j], points["lower_ci"][j], points["upper_ci"][j],
                        points["count"][j], points["denominator"][j])
             for j in range(oldest, last + 1)],
            polarity=pol, value_type=value_type,
            single_year_periods=freq == "annual" and metric["period_years"][i] == 1)
        trend_marker.append(trend.marker)
        trend_label.append(trend.label)
    return {"england_comparison": england_comparison, "region_comparison": region_comparison,
            "trend_marker": trend_marker, "trend_label": trend_label}


def _compare(points: dict[str, list], at: int, benchmark: float | None, polarity: str,
             level: str) -> str:
    """The point against a benchmark at the metric's confidence level (METHODS §2.2)."""
    if polarity not in JUDGED:  # not applicable
        return NOT_COMPARED
    lower998, upper998 = points["lower_ci_998"][at], points["upper_ci_998"][at]
    lower, upper = points["lower_ci"][at], points["upper_ci"][at]
    if level == "99.8":
        lower, upper = lower998, upper998
    return compare_to_benchmark(
        value=points["value"][at], benchmark=benchmark, lower95=lower, upper95=upper,
        polarity=polarity, lower998=lower998, upper998=upper998, two_levels=level == "both")


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

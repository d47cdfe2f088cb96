"""A summary's series as it is stored (`MetricSummary.series`): a list per field, oldest first.

Plain Python, so that the pages that read a series load neither pandas nor numpy; the
recompute (outcomes.aggregates) writes it in this shape.
"""

from __future__ import annotations

SERIES_FIELDS = ("period_label", "period_end", "value", "lower_ci", "upper_ci", "count",
                 "england", "region", "value_note")


def series_points(series: dict) -> list[dict]:
    """A summary's series as one dict per point (SERIES_FIELDS), oldest first."""
    if not series:
        return []
    return [dict(zip(SERIES_FIELDS, values, strict=True))
            for values in zip(*(series[name] for name in SERIES_FIELDS), strict=True)]

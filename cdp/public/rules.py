"""What the public page may show of a metric, and its figures under disclosure control. Pure:
no ORM and no request.

A metric shows on a published page (when its section is on) if it is public framework data:
a national metric (no owner), a headline one, whose figures do not come from the police.
Local metrics and figures from the police show only when the administrator marks them
public one by one. Disclosure control is always applied, as outside the partnership (the API
and the compare page): the counts of 1 to 4 of a metric under disclosure control, and every
figure built on them, are suppressed (outcomes.stats.disclose_value, METHODS.md §6).
"""

from __future__ import annotations

from outcomes.selectors import SUPPRESSED_NOTE
from outcomes.stats import SUPPRESSED, disclose_value

NOT_COMPARED = "Not compared"
NO_TREND = "Cannot be calculated"


def is_police_metric(*, source: str) -> bool:
    """Figures the police supply (county lines closed, OCG disruptions, recorded crime):
    kept off the public page unless marked public."""
    return "police" in (source or "").casefold()


def public_by_default(*, owner_id: int | None, tier: str, source: str) -> bool:
    """A headline metric of the national framework, not from the police."""
    return owner_id is None and tier == "headline" and not is_police_metric(source=source)


def _suppressed(value: float | None, count: float | None, unit: str) -> bool:
    # A count metric's figure is its own count when no count came with it (as the compare
    # page and the API read it).
    count = count if count is not None or unit != "count" else value
    return disclose_value(value, count) == SUPPRESSED


def disclosed_points(points: list[dict], *, unit: str, controlled: bool) -> list[dict]:
    """A summary's series as the public may see it: a suppressed point keeps its period and
    the benchmarks (England's and the region's figures are published), not its own figures."""
    if not controlled:
        return points
    return [
        {**point, "value": None, "lower_ci": None, "upper_ci": None, "count": None,
         "value_note": SUPPRESSED_NOTE}
        if _suppressed(point.get("value"), point.get("count"), unit) else point
        for point in points
    ]


def disclosed_summary(values: dict, points: list[dict], *, unit: str, controlled: bool) -> dict:
    """The fields of a summary (`values`: its fields as plain values) that disclosure control
    changes for the public: the latest figure and everything read from it when it is
    suppressed, the previous figure when that is, and the trend when any point is."""
    if not controlled:
        return {}
    changes: dict = {}
    if _suppressed(values.get("value"), values.get("count"), unit):
        changes.update(
            value=None, lower_ci=None, upper_ci=None, count=None, denominator=None,
            value_note=SUPPRESSED_NOTE, change=None, england_comparison=NOT_COMPARED,
            region_comparison=NOT_COMPARED, target_status="", quintile=0, rank=None,
        )
    previous = next((p for p in points
                     if p.get("period_label") == values.get("previous_period_label")), None)
    if values.get("previous_value") is not None and (
            previous is None or _suppressed(previous.get("value"), previous.get("count"), unit)):
        # Not found in the series: its count is not known, so it is not shown either.
        changes.update(previous_value=None, change=None)
    if any(_suppressed(p.get("value"), p.get("count"), unit) for p in points):
        changes.update(trend_marker=NO_TREND, trend_label=NO_TREND)
    return changes

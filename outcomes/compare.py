"""Selectors of the compare page: every area of England side by side, from the national
reference data (published figures, shared by everyone signed in), never from a partnership's
own observations, which stay its own.

Areas are compared as Fingertips compares them: among all the areas of one area type (the
upper-tier local authorities, as published) for one period, on the headline breakdown
(persons, all ages, no category), with the verdicts against England and the region, the
trend and the rank that `reference_recompute` stored on each row. A fixed number of
queries, whatever the number of areas, periods or metrics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from .models import Metric, ReferenceFigure

ENGLAND = "E92000001"
NATIONAL_TYPES = ("England", "Region")
# The headline breakdown: everyone, with no category (an age is chosen per metric).
HEADLINE = Q(category_type="") & Q(sex__in=("Persons", ""))
COMPARED = ("Better", "Similar", "Worse", "Higher", "Lower")
ROW_FIELDS = ("metric_id", "area_code", "area_name", "area_type", "parent_code",
              "period_label", "period_end", "age", "value", "lower_ci", "upper_ci",
              "value_note", "source", "england_value", "england_comparison", "region_value",
              "region_comparison", "trend_label", "quintile", "rank", "rank_of")
GRID_METRICS = 6  # the metrics the grid shows before any is chosen


def comparable_metrics(*, user):
    """National metrics with figures in the reference data, in the framework's order."""
    held = ReferenceFigure.objects.for_user(user).values("metric_id")
    return Metric.objects.filter(owner__isnull=True, pk__in=held).order_by("order", "name")


def metric_periods(*, user, metric_ids) -> dict[int, list[str]]:
    """Each metric's periods in the reference data, the latest first: one query."""
    pairs = (ReferenceFigure.objects.for_user(user).filter(metric_id__in=list(metric_ids))
             .values_list("metric_id", "period_label", "period_end").distinct()
             .order_by("metric_id", "-period_end", "period_label"))
    periods: dict[int, list[str]] = {}
    for metric_id, label, _ in pairs:
        if label not in periods.setdefault(metric_id, []):
            periods[metric_id].append(label)
    return periods


@dataclass
class Areas:
    """One metric's areas for one period: the local areas, England and the regions."""

    period: str
    rows: list[dict] = field(default_factory=list)
    england: dict | None = None
    regions: dict[str, str] = field(default_factory=dict)  # code: name
    area_type: str = ""

    def sources(self) -> list[str]:
        return sorted({r["source"] for r in self.rows if r["source"]})

    def illustrative(self) -> bool:
        return any("illustrative" in r["value_note"].lower() for r in self.rows)


def _headline(rows: list[dict]) -> list[dict]:
    """The rows of one age (All ages where there is one, else the commonest), of the
    commonest local area type; England's and the regions' rows kept whatever their type."""
    ages = Counter(r["age"] for r in rows)
    age = next((a for a in ("All ages", "") if a in ages), None)
    if age is None and ages:
        age = ages.most_common(1)[0][0]
    return [r for r in rows if r["age"] == age]


def _areas(period: str, rows: list[dict]) -> Areas:
    rows = _headline(rows)
    local_types = Counter(r["area_type"] for r in rows if r["area_type"] not in NATIONAL_TYPES
                          and r["area_code"] != ENGLAND)
    area_type = local_types.most_common(1)[0][0] if local_types else ""
    found = Areas(period=period, area_type=area_type)
    for r in rows:
        if r["area_code"] == ENGLAND:
            found.england = r
        elif r["area_type"] == "Region" or r["area_code"].startswith("E12"):
            found.regions[r["area_code"]] = r["area_name"] or r["area_code"]
        elif r["area_type"] == area_type:
            found.rows.append(r)
    found.rows.sort(key=lambda r: (r["area_name"] or r["area_code"]).casefold())
    return found


def metric_areas(*, user, metric: Metric, period: str) -> Areas:
    """Every area's published figure for the metric and period: one query."""
    rows = list(ReferenceFigure.objects.for_user(user)
                .filter(HEADLINE, metric=metric, period_label=period).values(*ROW_FIELDS))
    return _areas(period, rows)


def grid_areas(*, user, chosen: dict[int, str]) -> dict[int, Areas]:
    """Every area's figure for each metric at its chosen period ({metric id: period}): one
    query for them all."""
    if not chosen:
        return {}
    which = Q()
    for metric_id, period in chosen.items():
        which |= Q(metric_id=metric_id, period_label=period)
    by_metric: dict[int, list[dict]] = {metric_id: [] for metric_id in chosen}
    for row in (ReferenceFigure.objects.for_user(user).filter(HEADLINE).filter(which)
                .values(*ROW_FIELDS)):
        by_metric[row["metric_id"]].append(row)
    return {metric_id: _areas(chosen[metric_id], rows) for metric_id, rows in by_metric.items()}


def verdict_counts(rows: list[dict]) -> Counter:
    """How many areas are Better, Similar, Worse… than England; the rest "Not compared"."""
    return Counter(r["england_comparison"] if r["england_comparison"] in COMPARED
                   else "Not compared" for r in rows)

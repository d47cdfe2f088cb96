"""outcomes/services/reference.py: the reference data's statistics written back to its rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes import tasks
from outcomes.aggregates.reference import reference_statistics
from outcomes.bulk import insert_rows
from outcomes.models import Metric, ReferenceFigure
from outcomes.services import reference
from outcomes.services.summaries import _frame

pytestmark = pytest.mark.django_db
COLUMNS = ["metric_id", "area_code", "area_type", "parent_code", "period_label",
           "period_start", "period_end", "period_year_type", "period_sortable", "sex", "age",
           "value", "lower_ci", "upper_ci", "count", "denominator"]


def _metric(code: str, **options) -> Metric:
    return Metric.objects.create(
        code=code, name=code, tier=Metric.Tier.RELATED, unit=Metric.Unit.PERCENTAGE,
        polarity=Metric.Polarity.HIGHER_IS_BETTER, frequency=Metric.Frequency.ANNUAL,
        value_type=Metric.ValueType.PROPORTION, year_type=Metric.YearType.CALENDAR, **options)


def _load(metric: Metric) -> None:
    """England, a region and six of its areas, 2014 to 2018: METHODS §3 set 1 for the first."""
    set_1 = [(24.67, 23.16, 26.25, 994, 40299), (24.6, 23.15, 26.19, 1023, 41527),
             (28, 26.44, 29.64, 1199, 42811), (30.2, 28.63, 31.9, 1332, 44064),
             (30.6, 28.98, 32.25, 1367, 44701)]
    areas = [("E92000001", "England", ""), ("E12000001", "Region", "E92000001")] + [
        (f"E0600000{i}", "County & UA", "E12000001") for i in range(1, 7)]
    rows = []
    for n, (code, area_type, parent) in enumerate(areas):
        for i, (value, lower, upper, count, denominator) in enumerate(set_1):
            shift = 3 * n - 9
            rows.append([metric.pk, code, area_type, parent, str(2014 + i), date(2014 + i, 1, 1),
                         date(2014 + i, 12, 31), "calendar", (2014 + i) * 10000, "Persons",
                         "All ages", value + shift, lower + shift, upper + shift, count,
                         denominator])
    insert_rows(ReferenceFigure, COLUMNS, rows)


def _statistics(metric: Metric) -> list[tuple]:
    return list(ReferenceFigure.objects.filter(metric=metric).order_by("pk").values_list(
        *ReferenceFigure.STATISTIC_FIELDS))


def test_only_the_metrics_asked_for_are_recomputed():
    first, second = _metric("first"), _metric("second")
    _load(first)
    _load(second)
    untouched = _statistics(second)
    assert reference.reference_recompute(metric_ids=[first.pk]) == 40
    assert _statistics(second) == untouched
    latest = ReferenceFigure.objects.get(metric=first, area_code="E06000001", period_label="2018")
    assert (latest.england_comparison, latest.region_comparison) == ("Better", "Better")
    assert (latest.trend_label, latest.rank, latest.rank_of, latest.quintile) == (
        "Increasing and getting better", 6, 6, 5)
    assert ReferenceFigure.objects.get(
        metric=first, area_code="E06000001", period_label="2017").trend_label == ""
    assert tasks.recompute_reference.delay([second.pk]).get(timeout=30) == 40
    assert _statistics(second) == _statistics(first)


def test_nothing_to_recompute():
    assert reference.reference_recompute(metric_ids=[]) == 0
    assert reference.reference_recompute() == 0


def test_the_portable_writer_writes_what_the_postgresql_one_does():
    metric = _metric("portable")
    _load(metric)
    reference.reference_recompute()
    written = _statistics(metric)
    ReferenceFigure.objects.update(england_value=None, england_comparison="Not compared",
                                   trend_marker="", trend_label="", rank=None, quintile=0)
    frame = _frame(ReferenceFigure.objects.all(), reference.FIGURE_COLUMNS)
    metrics = _frame(Metric.objects.all(), reference.METRIC_COLUMNS).rename(
        columns={"id": "metric_id"})
    reference._write_orm(reference_statistics(frame, metrics))
    assert _statistics(metric) == written


def test_a_recompute_writes_only_the_rows_whose_statistics_change():
    metric = _metric("again")
    _load(metric)
    reference.reference_recompute()
    ReferenceFigure.objects.filter(area_code="E06000002", period_label="2018").update(
        rank=None, england_comparison="Not compared")
    reference.reference_recompute()
    assert ReferenceFigure.objects.get(area_code="E06000002", period_label="2018").rank == 5
    # Nothing left to change: the figures and metrics are read, and nothing is written.
    with CaptureQueriesContext(connection) as captured:
        reference.reference_recompute()
    assert captured.captured_queries
    assert not [q for q in captured.captured_queries
                if q["sql"].lstrip().upper().startswith(("UPDATE", "CREATE", "INSERT"))]

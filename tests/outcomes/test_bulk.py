"""outcomes/bulk.py and the recompute's COPY read against PostgreSQL: values arrive as they
left, including the awkward ones."""

from datetime import UTC, date, datetime

import pytest

from outcomes.bulk import insert_rows
from outcomes.models import Metric, MetricSummary, ReferenceFigure
from outcomes.services import _frame, summary_frames

pytestmark = pytest.mark.django_db


def test_awkward_values_survive_copy_in_and_copy_out(tenants):
    metric = Metric.objects.filter(owner__isnull=True).order_by("pk").first()
    notes = ["\\N", "", 'a "quoted", comma, and\nnewline', "NA", "null", "=1+1", "0012"]
    columns = ["metric_id", "area_code", "area_name", "period_label", "period_start",
               "period_end", "period_year_type", "period_sortable", "value", "value_note"]
    rows = [[metric.pk, "E92000001", "", f"{1990 + n}", date(1990 + n, 1, 1),
             date(1990 + n, 12, 31), "calendar", (1990 + n) * 10000,
             None if n == 0 else n + 0.1, note] for n, note in enumerate(notes)]
    assert insert_rows(ReferenceFigure, columns, rows) == len(rows)
    stored = ReferenceFigure.objects.filter(period_start__year__lt=2000).order_by("period_start")
    assert [b.value_note for b in stored] == notes
    assert [b.value for b in stored] == [None, *(n + 0.1 for n in range(1, len(notes)))]
    frame = _frame(stored, ("value_note", "period_label", "value", "period_end"))
    # COPY's CSV cannot tell NULL from "": text reads back as text, or missing for "".
    assert frame["value_note"].fillna("").tolist() == notes
    assert frame["period_label"].tolist() == [f"{1990 + n}" for n in range(len(notes))]
    assert frame["period_end"].dt.date.tolist() == [b.period_end for b in stored]


def test_a_summary_row_with_json_and_a_timestamp_is_copied_whole(tenants):
    metric = Metric.objects.filter(owner__isnull=True).order_by("pk").first()
    series = {"period_label": ["2022/23"], "value": [1.5], "value_note": ['says "hi", twice\n']}
    at = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    insert_rows(MetricSummary, ["partnership_id", "metric_id", "area_code", "period_label",
                                "period_end", "series", "target_description", "computed_at"],
                [[tenants.a.pk, metric.pk, "E08000018", "2022/23", date(2023, 3, 31), series,
                  "\\N", at]])
    row = MetricSummary.objects.get(partnership=tenants.a, metric=metric, area_code="E08000018",
                                    computed_at=at)
    assert (row.series, row.target_description, row.value) == (series, "\\N", None)


def test_frames_for_no_partnerships_are_empty():
    frames = summary_frames(partnership_ids=[])
    assert frames["observations"].empty and frames["targets"].empty

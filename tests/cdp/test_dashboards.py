"""The board dashboard and the metric pages: what they say, and that they read summaries."""

import csv
import io

import pytest

from outcomes.models import Metric

pytestmark = pytest.mark.django_db


def in_treatment() -> Metric:
    return Metric.objects.get(code="numbers_in_treatment", owner=None)


def test_the_dashboard_shows_tiles_progress_and_what_needs_attention(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    body = client.get("/partnerships/rotherham/").content.decode()
    assert "Figures computed" in body
    assert ("The numbers in treatment for adults and young people: 2,153 in 2022/23."
            in body)
    assert "Not compared with England" in body
    assert "Target off track" in body or "Target on track" in body
    # The plan's progress, as a chart's data and as a table.
    assert 'id="progress-priority"' in body and "Milestones by national priority" in body
    # The fixture's milestone was due on 31 March 2023 and is not complete.
    assert "Overdue or at risk (1)" in body
    assert "Prison leavers seen within 3 weeks" in body
    assert "Darlington" not in body


def test_a_metric_page_has_the_chart_data_table_notes_and_milestones(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    body = client.get(f"/partnerships/rotherham/metrics/{in_treatment().pk}/").content.decode()
    assert 'id="chart-E08000018"' in body  # the figure's JSON, for plotly.js
    # The figure was loaded without an area name: it is named after its local authority.
    assert '<h2 class="govuk-heading-m" id="area-1">Rotherham</h2>' in body
    assert "The figures in the chart" in body and "2,153" in body
    assert "Prison leavers seen within 3 weeks" in body  # the milestone it measures


def test_the_metric_csv_has_one_row_per_point(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    response = client.get(f"/partnerships/rotherham/metrics/{in_treatment().pk}/data.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["area_code"], r["period"], r["value"]) for r in rows] == [
        ("E08000018", "2022/23", "2153.0")]


def test_another_partnerships_local_metric_is_not_found(client, tenants):
    theirs = Metric.objects.get(owner=tenants.b, code="digital_iba")
    for user in ("a_viewer", "superuser"):
        client.force_login(tenants.users[user])
        assert client.get(f"/partnerships/rotherham/metrics/{theirs.pk}/").status_code == 404


def test_the_spine_chart_page(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    body = client.get("/partnerships/rotherham/spine/").content.decode()
    assert "Compared with England" in body and "The figures in the chart" in body
    # No England figure in the fixture: nothing can be placed, and the page says so.
    assert "Of 1 metric in the framework, none can be compared with England yet." in body


def test_compare_shows_only_the_partnerships_each_viewer_may_see(client, tenants):
    url = f"/compare/{in_treatment().pk}/"
    client.force_login(tenants.users["regional"])  # Yorkshire and The Humber: Rotherham only
    body = client.get(url).content.decode()
    assert "Rotherham (Rotherham CDP)" in body and "Darlington" not in body
    client.force_login(tenants.users["superuser"])
    body = client.get(url).content.decode()
    assert "Rotherham (Rotherham CDP)" in body and "Darlington (Darlington CDP)" in body
    client.force_login(tenants.users["outsider"])
    assert client.get(url).status_code == 404
    # A local metric is never compared across partnerships.
    client.force_login(tenants.users["superuser"])
    local = Metric.objects.get(owner=tenants.a, code="digital_iba")
    assert client.get(f"/compare/{local.pk}/").status_code == 404


def test_compare_suppresses_small_counts(client, tenants):
    from outcomes.models import MetricSummary

    MetricSummary.objects.filter(partnership=tenants.b).update(value=3, count=3)
    client.force_login(tenants.users["superuser"])
    body = client.get(f"/compare/{in_treatment().pk}/").content.decode()
    assert ">*</td>" in body and "1 suppressed for disclosure control" in body
    assert ">3</td>" not in body


def test_compare_suppresses_a_small_count_metric_without_a_count_column(client, tenants):
    from outcomes.models import MetricSummary

    # Numbers in treatment is a count metric: its figure is in `value` only.
    MetricSummary.objects.filter(partnership=tenants.b).update(value=2, count=None)
    client.force_login(tenants.users["superuser"])
    body = client.get(f"/compare/{in_treatment().pk}/").content.decode()
    assert ">*</td>" in body and ">2</td>" not in body

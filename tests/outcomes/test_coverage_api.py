"""GET /api/v1/coverage/: the data coverage page's view, as JSON and CSV."""

import csv
import io

import pytest
from django.utils import timezone

from outcomes import selectors
from outcomes.models import FrameworkMetric, Metric

pytestmark = pytest.mark.django_db


def national(code: str) -> Metric:
    return Metric.objects.get(code=code, owner=None)


def test_the_same_view_as_the_page(client, tenants):
    FrameworkMetric.objects.create(partnership=tenants.a, metric=national("ocu_prevalence"))
    client.force_login(tenants.users["a_viewer"])
    response = client.get("/api/v1/coverage/?partnership=rotherham")
    assert response.status_code == 200
    rows = {r["metric"]: r for r in response.json()["results"]}
    page = selectors.coverage_for_partnership(partnership=tenants.a,
                                              user=tenants.users["a_viewer"])
    assert set(rows) == {r["metric"].code for r in page["rows"]}
    for row in page["rows"]:
        c, api = row["coverage"], rows[row["metric"].code]
        assert (api["latest_held"], api["expected"], api["periods_behind"], api["status"],
                api["status_text"]) == (c.held, c.expected, c.behind, c.status, c.words)
    treatment = rows["numbers_in_treatment"]
    assert treatment["partnership"] == "rotherham"
    assert (treatment["frequency"], treatment["publication_lag_months"]) == ("annual", 8)
    assert (treatment["latest_held"], treatment["latest_held_end"]) == ("2022/23", "2023-03-31")
    assert treatment["status"] == "behind" and treatment["periods_behind"] >= 1
    assert treatment["expected_due"] <= timezone.localdate().isoformat()
    assert treatment["next_due"] > timezone.localdate().isoformat()
    assert rows["ocu_prevalence"] == {
        **rows["ocu_prevalence"], "latest_held": None, "expected": None, "expected_due": None,
        "periods_behind": None, "status": "not_scheduled", "next_expected": None,
        "next_due": None, "status_text": "No publication schedule: published when reported"}


def test_scoped_to_your_partnerships_and_filterable(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    assert {r["partnership"] for r in client.get("/api/v1/coverage/").json()["results"]} == {
        "rotherham"}
    assert client.get("/api/v1/coverage/?partnership=darlington").status_code == 400
    client.force_login(tenants.users["superuser"])
    everyone = client.get("/api/v1/coverage/").json()["results"]
    assert {r["partnership"] for r in everyone} == {"rotherham", "darlington"}
    darlington = client.get("/api/v1/coverage/?partnership=darlington").json()["results"]
    assert [r["partnership"] for r in darlington] == ["darlington"]
    assert client.get("/api/v1/coverage/?metric=continuity_of_care").json()["results"] == []
    assert client.get("/api/v1/coverage/?colour=red").status_code == 400
    client.logout()
    assert client.get("/api/v1/coverage/").status_code == 401


def test_csv_for_pandas(client, tenants):
    client.force_login(tenants.users["a_analyst"])
    response = client.get("/api/v1/coverage/?partnership=rotherham&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["partnership"], r["metric"], r["latest_held"], r["status"]) for r in rows] == [
        ("rotherham", "numbers_in_treatment", "2022/23", "behind")]
    assert rows[0]["status_text"].endswith(" expected")
    assert list(rows[0]) == [
        "partnership", "metric", "metric_name", "frequency", "publication_lag_months",
        "latest_held", "latest_held_end", "expected", "expected_due", "periods_behind",
        "status", "status_text", "next_expected", "next_due"]


def test_metrics_carry_their_publication_lag(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    rows = client.get("/api/v1/metrics/?code=numbers_in_treatment,ocu_prevalence").json()
    assert {r["code"]: r["publication_lag_months"] for r in rows["results"]} == {
        "numbers_in_treatment": 8, "ocu_prevalence": None}

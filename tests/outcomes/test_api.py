"""POST /api/v1/imports/: the same import service as the page and the command."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outcomes.models import ImportBatch, Observation

pytestmark = pytest.mark.django_db

FILE = (b"metric,area_code,period,value\n"
        b"continuity_of_care,E08000018,2022/23,41.5\n"
        b"continuity_of_care,E08000019,2022/23,50\n")


def post(client, **data):
    upload = SimpleUploadedFile("figures.csv", data.pop("content", FILE))
    return client.post("/api/v1/imports/", {"file": upload, "format": "tidy",
                                            "partnership": "rotherham", **data})


def test_dry_run_then_apply_with_accepted_rejects(client, tenants):
    client.force_login(tenants.users["a_analyst"])
    response = post(client, dry_run="true")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["inserted"], body["rejected"]) == ("dry_run", 1, 1)
    assert not Observation.objects.filter(metric__code="continuity_of_care").exists()

    problems = client.get(body["problems_url"]).json()["results"]
    assert problems == [{"line": 3, "kind": "rejected",
                         "reason": "area E08000019 is not in Rotherham CDP"}]

    held_back = post(client).json()
    assert held_back["status"] == "preview"
    applied = post(client, accept_valid="true").json()
    assert (applied["status"], applied["inserted"]) == ("complete", 1)
    assert Observation.objects.get(metric__code="continuity_of_care").value == 41.5


def test_a_bad_file_is_a_400_with_the_reason(client, tenants):
    client.force_login(tenants.users["a_analyst"])
    response = post(client, content=b"nothing useful here\n1,2\n")
    assert response.status_code == 400
    assert "has no 'metric', 'area_code', 'period', 'value' column" in str(response.json())


def test_another_partnership_is_a_404(client, tenants):
    client.force_login(tenants.users["b_analyst"])
    assert post(client).status_code == 404
    client.force_login(tenants.users["a_viewer"])
    assert post(client).status_code == 404
    assert not ImportBatch.objects.filter(file_name="figures.csv").exists()


def test_list_is_scoped_and_filterable(client, tenants):
    client.force_login(tenants.users["a_admin"])
    rows = client.get("/api/v1/imports/").json()["results"]
    assert {r["partnership"] for r in rows} == {"rotherham"}
    client.force_login(tenants.users["superuser"])
    rows = client.get("/api/v1/imports/?partnership=darlington").json()["results"]
    assert {r["partnership"] for r in rows} == {"darlington"}


def test_check_then_apply_then_roll_back_over_the_api(client, tenants):
    client.force_login(tenants.users["a_analyst"])
    checked = post(client, dry_run="false").json()  # rejected rows: held back
    assert checked["status"] == "preview"
    refused = client.post(f"/api/v1/imports/{checked['id']}/apply/")
    assert refused.status_code == 400
    assert "1 row cannot be imported" in str(refused.json())
    applied = client.post(f"/api/v1/imports/{checked['id']}/apply/", {"accept_valid": "true"})
    assert applied.status_code == 200 and applied.json()["status"] == "complete"
    assert Observation.objects.filter(metric__code="continuity_of_care").count() == 1
    rolled = client.post(f"/api/v1/imports/{checked['id']}/roll-back/")
    assert rolled.json()["status"] == "rolled_back"
    assert not Observation.objects.filter(metric__code="continuity_of_care").exists()


# --- Observations, benchmarks, summaries, targets, metrics -----------------------------------
def rows(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def csv_frame(response):
    import io

    import pandas as pd

    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    return pd.read_csv(io.BytesIO(b"".join(response.streaming_content)), keep_default_na=False)


def add(tenants, side="a", **values):
    from datetime import date

    from outcomes.models import Metric

    fields = {"metric": Metric.objects.get(code="numbers_in_treatment", owner=None),
              "area_code": "E08000018" if side == "a" else "E06000005",
              "period_label": "2021/22", "period_start": date(2021, 4, 1),
              "period_end": date(2022, 3, 31), "period_year_type": "financial",
              "period_sortable": 20210000, "value": 2081.0}
    return Observation.objects.create(partnership=tenants.partnership(side), **{**fields,
                                                                              **values})


def test_observations_are_tidy_rows_of_your_own_partnerships(client, tenants):
    add(tenants, sex="Male", value=1400.0, count=1400.0)
    client.force_login(tenants.users["a_viewer"])
    results = rows(client, "/api/v1/observations/")
    assert {r["partnership"] for r in results} == {"rotherham"}
    latest = next(r for r in results if r["period_label"] == "2022/23")
    assert latest == {
        "id": latest["id"], "partnership": "rotherham", "metric": "numbers_in_treatment",
        "area_code": "E08000018", "area_name": "", "period_label": "2022/23",
        "period_start": "2022-04-01", "period_end": "2023-03-31", "period_year_type": "financial",
        "sex": "", "age": "", "category_type": "", "category": "", "value": 2153.0,
        "count": None, "denominator": None, "lower_ci": None, "upper_ci": None,
        "value_note": ""}
    assert [r["sex"] for r in rows(client, "/api/v1/observations/?sex=Male")] == ["Male"]
    by_period = rows(client, "/api/v1/observations/?period_from=2022/23")
    assert [r["period_label"] for r in by_period] == ["2022/23"]
    by_period = rows(client, "/api/v1/observations/?period_to=2022-03-31")
    assert [r["period_label"] for r in by_period] == ["2021/22"]
    assert rows(client, "/api/v1/observations/?partnership=darlington") == []
    assert len(rows(client, "/api/v1/observations/?metric=numbers_in_treatment,other")) == 2
    assert rows(client, "/api/v1/observations/?area=E06000005") == []


@pytest.mark.parametrize(("query", "field", "says"), [
    ("metirc=numbers_in_treatment", "metirc", "Unknown filter"),
    ("period_from=2022/2x", "period_from", "is not a period"),
    ("period_to=31/03/2023", "period_to", "is not a period"),
    ("page_size=1001", "page_size", "from 1 to 1000"),
    ("page_size=0", "page_size", "from 1 to 1000"),
    ("page_size=ten", "page_size", "from 1 to 1000"),
])
def test_bad_queries_are_400s_naming_the_field(client, tenants, query, field, says):
    client.force_login(tenants.users["a_viewer"])
    response = client.get(f"/api/v1/observations/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field] and says in response.json()[field][0]


def test_outside_your_partnerships_national_figures_only_with_disclosure_control(
        client, tenants):
    from outcomes.models import Metric

    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)
    metric.disclosure_control = True
    metric.save()
    add(tenants, sex="Female", value=3.0, count=3.0)  # a count of 3: suppressed outside
    local = Metric.objects.get(owner=tenants.a, code="digital_iba")
    add(tenants, metric=local, value=2.0)

    client.force_login(tenants.users["a_viewer"])  # a member sees everything
    inside = {r["sex"] or r["metric"]: r for r in rows(client, "/api/v1/observations/")}
    assert inside["Female"]["value"] == 3.0 and inside["digital_iba"]["value"] == 2.0

    client.force_login(tenants.users["regional"])  # sees Rotherham from outside
    outside = {r["sex"] or r["metric"]: r for r in rows(client, "/api/v1/observations/")}
    assert set(outside) == {"numbers_in_treatment", "Female"}  # no local metric
    assert (outside["Female"]["value"], outside["Female"]["count"]) == (None, None)
    assert outside["Female"]["value_note"].startswith("Suppressed")
    assert outside["numbers_in_treatment"]["value"] == 2153.0
    frame = csv_frame(client.get("/api/v1/observations/?format=csv&sex=Female"))
    assert frame["value"].tolist() == [""] and frame["value_note"].str.startswith(
        "Suppressed").all()

    client.force_login(tenants.users["outsider"])
    assert rows(client, "/api/v1/observations/") == []


def test_csv_has_the_json_columns_streams_and_escapes_formulas(client, tenants):
    add(tenants, area_name="=HYPERLINK(\"http://evil\")", value_note="+1 more", sex="-")
    client.force_login(tenants.users["a_analyst"])
    keys = list(rows(client, "/api/v1/observations/")[0])
    for response in (client.get("/api/v1/observations/?format=csv"),
                     client.get("/api/v1/observations/", HTTP_ACCEPT="text/csv")):
        frame = csv_frame(response)
        assert list(frame.columns) == keys
        assert len(frame) == 2
        odd = frame[frame["period_label"] == "2021/22"].iloc[0]
        assert (odd["area_name"], odd["value_note"], odd["sex"]) == (
            "'=HYPERLINK(\"http://evil\")", "'+1 more", "'-")
        assert odd["value"] == 2081.0  # numbers stay numbers
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("resource", ["partnerships", "metrics", "observations", "benchmarks",
                                      "summaries", "targets", "imports", "action-plans",
                                      "milestones"])
def test_every_list_answers_in_csv_with_the_json_columns(client, tenants, england, resource):
    client.force_login(tenants.users["a_admin"])
    as_json = client.get(f"/api/v1/{resource}/").json()["results"]
    frame = csv_frame(client.get(f"/api/v1/{resource}/?format=csv"))
    assert as_json and len(frame) == len(as_json)
    # The same names in the same order; a nested object's fields become parent_child columns.
    assert [c for c in frame.columns if c in as_json[0]] == [
        k for k, v in as_json[0].items() if not isinstance(v, dict)]


@pytest.fixture
def england(tenants):
    from datetime import date

    from outcomes.models import Metric, ReferenceFigure

    return ReferenceFigure.objects.create(
        metric=Metric.objects.get(code="numbers_in_treatment", owner=None),
        area_code="E92000001", area_name="England", period_label="2022/23",
        period_start=date(2022, 4, 1), period_end=date(2023, 3, 31),
        period_year_type="financial", period_sortable=20220000, value=290000.0)


def test_benchmarks_are_read_by_everyone_signed_in(client, tenants, england):
    client.force_login(tenants.users["outsider"])
    assert [(r["area_name"], r["value"]) for r in rows(client, "/api/v1/benchmarks/")] == [
        ("England", 290000.0)]
    assert rows(client, "/api/v1/benchmarks/?area=E12000003") == []


def test_summaries_targets_and_metrics(client, tenants):
    client.force_login(tenants.users["a_lead"])
    summary = rows(client, "/api/v1/summaries/")
    assert [(s["partnership"], s["metric"], s["value"]) for s in summary] == [
        ("rotherham", "numbers_in_treatment", 2153.0)]
    assert summary[0]["target_description"] == "440 additional adults in treatment"
    targets = rows(client, "/api/v1/targets/")
    assert [(t["partnership"], t["metric"], t["target_value"]) for t in targets] == [
        ("rotherham", "numbers_in_treatment", 2521.0)]
    local = rows(client, "/api/v1/metrics/?local=true")
    assert [(m["code"], m["local_to"]) for m in local] == [("digital_iba", "rotherham")]
    national = rows(client, "/api/v1/metrics/?local=false&page_size=1000")
    assert national and all(m["local_to"] is None for m in national)


def test_annotations_are_listed_for_the_users_partnerships_only(client, tenants):
    import csv
    import io
    from datetime import date

    from outcomes import services
    from outcomes.models import Metric

    services.annotation_create(
        partnership=tenants.a, user=tenants.users["a_analyst"],
        metric=Metric.objects.get(code="continuity_of_care", owner=None), on=date(2024, 1, 8),
        text="Prison in-reach worker in post")
    for username in ("a_viewer", "regional"):
        client.force_login(tenants.users[username])
        notes = rows(client, "/api/v1/annotations/")
        assert sorted((n["partnership"], n["metric"], n["date"], n["text"]) for n in notes) == [
            ("rotherham", "continuity_of_care", "2024-01-08", "Prison in-reach worker in post"),
            ("rotherham", "numbers_in_treatment", "2023-04-01",
             "New treatment provider from 1 April (Rotherham CDP)")]
    assert [n["text"] for n in rows(client, "/api/v1/annotations/?metric=continuity_of_care"
                                            "&date_from=2024-01-01")] == [
        "Prison in-reach worker in post"]
    assert rows(client, "/api/v1/annotations/?partnership=darlington") == []
    client.force_login(tenants.users["outsider"])
    assert rows(client, "/api/v1/annotations/") == []
    client.force_login(tenants.users["b_lead"])
    response = client.get("/api/v1/annotations/?format=csv")
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content)
                                            .decode("utf-8-sig"))))
    assert [(r["partnership"], r["text"]) for r in table] == [
        ("darlington", "New treatment provider from 1 April (Darlington CDP)")]

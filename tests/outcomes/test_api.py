"""POST /api/v1/imports/: the same import service as the page and the command."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outcomes.models import ImportBatch, Observation

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenants(shared_tenants):
    """Built once for this module (tests/conftest.py `module_tenants`): each test only reads
    them or changes them inside its own transaction."""
    return shared_tenants

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
    # Another partnership's slug, or a metric that is not there: a 400 naming the value
    # (tests/partnerships/test_api_filters.py), not an empty list.
    assert client.get("/api/v1/observations/?partnership=darlington").status_code == 400
    assert client.get("/api/v1/observations/?metric=numbers_in_treatment,other"
                      ).status_code == 400
    assert len(rows(client, "/api/v1/observations/?metric=numbers_in_treatment")) == 2
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
                                      "reference",
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
    # The dashboard tile's short name: the catalogue's for a national metric.
    assert {m["code"]: m["short_name"] for m in national}["numbers_in_treatment"] == (
        "Numbers in treatment")


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
    # Another partnership's slug: a 400 naming it (as for one that does not exist).
    refused = client.get("/api/v1/annotations/?partnership=darlington")
    assert refused.status_code == 400 and "“darlington”" in refused.json()["partnership"][0]
    client.force_login(tenants.users["outsider"])
    assert rows(client, "/api/v1/annotations/") == []
    client.force_login(tenants.users["b_lead"])
    response = client.get("/api/v1/annotations/?format=csv")
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content)
                                            .decode("utf-8-sig"))))
    assert [(r["partnership"], r["text"]) for r in table] == [
        ("darlington", "New treatment provider from 1 April (Darlington CDP)")]


# --- The national reference data: /api/v1/reference/ and its deprecated alias -------------
def test_the_reference_data_is_every_area_with_its_statistics(client, tenants):
    from tests.outcomes.reference_figures import make_reference

    make_reference(["drug_misuse_deaths"], [2022], illustrative="E06000005")
    client.force_login(tenants.users["outsider"])  # shared: no membership needed
    found = {r["area_code"]: r for r in rows(client, "/api/v1/reference/")}
    assert set(found) == {"E92000001", "E12000003", "E12000001", "E08000018", "E08000019",
                          "E06000005"}
    rotherham = found["E08000018"]
    assert rotherham == {
        "id": rotherham["id"], "metric": "drug_misuse_deaths",
        "metric_name": rotherham["metric_name"], "area_code": "E08000018",
        "area_name": "Rotherham", "area_type": "County & UA (pre 4/19)",
        "parent_code": "E12000003", "period_label": "2022", "period_start": "2022-01-01",
        "period_end": "2022-12-31", "period_year_type": "calendar",
        "period_sortable": 20220000, "sex": "Persons", "age": "All ages", "category_type": "",
        "category": "", "value": 15.2, "lower_ci": 14.2, "upper_ci": 16.2,
        "lower_ci_998": 13.2, "upper_ci_998": 17.2, "count": 152.0, "denominator": 100000.0,
        "value_note": "", "source": "OHID Fingertips", "england_value": 12.2,
        "england_comparison": "Worse", "region_value": 11.0, "region_comparison": "Similar",
        "trend_marker": "Increasing", "trend_label": "Increasing and getting worse",
        "quintile": 1, "rank": 1, "rank_of": 3, "illustrative": False,
        "licence": "Contains public sector information from OHID Fingertips, licensed under "
                   "the Open Government Licence v3.0."}
    assert rotherham["metric_name"].startswith("Deaths")
    darlington = found["E06000005"]
    assert (darlington["illustrative"], darlington["value_note"]) == (True, "Illustrative")
    assert darlington["licence"].startswith("Illustrative")
    # One row, read by its id, as in the list.
    assert client.get(f"/api/v1/reference/{rotherham['id']}/").json() == rotherham


@pytest.mark.parametrize(("query", "areas"), [
    ("", {"E92000001", "E12000003", "E12000001", "E08000018", "E08000019", "E06000005"}),
    ("area=E08000018,E06000005", {"E08000018", "E06000005"}),
    ("area=E08000018&area=E06000005", {"E08000018", "E06000005"}),
    ("area_type=Region", {"E12000003", "E12000001"}),
    ("parent=E12000003", {"E08000018", "E08000019"}),
    ("parent=E12000003&area_type=England", set()),
    ("sex=Male", set()),
])
def test_the_reference_data_is_filtered_by_area(client, tenants, query, areas):
    from tests.outcomes.reference_figures import make_reference

    make_reference(["drug_misuse_deaths"], [2022])
    client.force_login(tenants.users["a_viewer"])
    assert {r["area_code"] for r in rows(client, f"/api/v1/reference/?{query}")} == areas


@pytest.mark.parametrize(("query", "found"), [
    ("metric=drug_misuse_deaths", {("drug_misuse_deaths", "2021"), ("drug_misuse_deaths",
                                                                    "2022")}),
    ("metric=drug_misuse_deaths,continuity_of_care&period=2022",
     {("drug_misuse_deaths", "2022"), ("continuity_of_care", "2022")}),
    ("metric=drug_misuse_deaths&metric=numbers_in_treatment&period_from=2022",
     {("drug_misuse_deaths", "2022"), ("numbers_in_treatment", "2022")}),
    ("metric=continuity_of_care&period_to=2021-12-31", {("continuity_of_care", "2021")}),
    # Nothing found: an empty list (an unknown metric code is a 400 instead:
    # tests/partnerships/test_api_filters.py).
    ("period=2019&period=2020&metric=drug_misuse_deaths", set()),
])
def test_the_reference_data_is_filtered_by_metric_and_period(client, tenants, query, found):
    from tests.outcomes.reference_figures import make_reference

    make_reference()
    client.force_login(tenants.users["a_viewer"])
    got = rows(client, f"/api/v1/reference/?{query}&area=E08000018")
    assert {(r["metric"], r["period_label"]) for r in got} == found
    assert len(got) == len(found)


def test_the_reference_data_is_csv_with_the_json_columns(client, tenants):
    from tests.outcomes.reference_figures import make_reference

    make_reference(["drug_misuse_deaths"], [2022])
    client.force_login(tenants.users["regional"])
    as_json = rows(client, "/api/v1/reference/?area_type=Region")
    for response in (client.get("/api/v1/reference/?area_type=Region&format=csv"),
                     client.get("/api/v1/reference/?area_type=Region", HTTP_ACCEPT="text/csv")):
        frame = csv_frame(response)
        assert list(frame.columns) == list(as_json[0])
        assert sorted(frame["area_code"]) == ["E12000001", "E12000003"]
        assert frame["illustrative"].tolist() == [False, False]


@pytest.mark.slow
def test_benchmarks_are_a_deprecated_alias_of_england_and_the_regions(client, tenants):
    from tests.outcomes.reference_figures import make_reference

    make_reference(["drug_misuse_deaths"], [2022])
    client.force_login(tenants.users["a_viewer"])
    for url in ("/api/v1/benchmarks/", "/api/v1/benchmarks/?format=csv"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Deprecation"] == "@1796601600"  # 7 December 2026 (RFC 9745)
        assert response["Sunset"] == "Wed, 30 Jun 2027 00:00:00 GMT"
        assert '</api/v1/reference/>; rel="successor-version"' in response["Link"]
    found = rows(client, "/api/v1/benchmarks/")
    assert {r["area_code"] for r in found} == {"E92000001", "E12000003", "E12000001"}
    assert rows(client, "/api/v1/benchmarks/?area=E08000018") == []
    local = rows(client, "/api/v1/reference/?area=E08000018")[0]
    assert client.get(f"/api/v1/benchmarks/{local['id']}/").status_code == 404
    assert "Deprecation" not in client.get("/api/v1/reference/")


def test_the_schema_has_the_reference_and_marks_benchmarks_deprecated(client, tenants):
    schema = client.get("/api/v1/schema/?format=json").json()
    listing = schema["paths"]["/api/v1/reference/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "metric", "area", "area_type", "parent", "period", "period_from", "period_to", "sex",
        "age", "category_type", "category", "cursor", "page_size"}
    assert "deprecated" not in listing
    assert schema["paths"]["/api/v1/benchmarks/"]["get"]["deprecated"] is True
    row = schema["components"]["schemas"]["Reference"]["properties"]
    assert {"england_comparison", "region_comparison", "trend_label", "quintile", "rank",
            "rank_of", "lower_ci_998", "illustrative", "licence"} <= set(row)

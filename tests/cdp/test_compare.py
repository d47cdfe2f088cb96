"""The compare page: every area of England from the national reference data, one metric at a
chosen period, or a grid of areas × metrics in words and colour; never a partnership's own
observations."""

import html

import pytest

from outcomes.models import Metric
from tests.cdp.test_dashboards import Tables, json_script
from tests.outcomes.reference_figures import make_reference

pytestmark = pytest.mark.django_db

LOCAL = ["Darlington", "Rotherham", "Sheffield"]


def metric(code: str) -> Metric:
    return Metric.objects.get(code=code, owner=None)


def page(client, url: str, **query) -> str:
    response = client.get(url, query)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def test_one_metric_compares_every_area_at_the_latest_period_by_default(client, tenants):
    make_reference(illustrative="E06000005")
    deaths = metric("drug_misuse_deaths")
    client.force_login(tenants.users["outsider"])  # shared data: no membership needed
    body = page(client, f"/compare/{deaths.pk}/")
    header, *rows = Tables(body).tables["The figures in the chart, 2022"]
    assert header == ["Area", "Value", "95% confidence interval", "Compared with England (12.2)",
                      "Compared with region", "Recent trend", "Rank"]
    # Lower is better for deaths: the lowest first. England and the regions are not rows.
    assert rows == [
        ["Rotherham", "15.2", "14.2 to 16.2", "Worse", "Similar",
         "Increasing and getting worse", "1 of 3"],
        ["Sheffield", "16.2", "15.2 to 17.2", "Similar", "Similar",
         "Increasing and getting worse", "2 of 3"],
        ["Darlington (illustrative)", "17.2", "16.2 to 18.2", "Worse", "Similar",
         "Increasing and getting worse", "3 of 3"]]
    assert ("Deaths related to drug misuse, 2022: 3 areas; 3 compared with England (1 similar, "
            "2 worse); highest Darlington (17.2 per 100,000), lowest Rotherham (15.2 per "
            "100,000).") in body
    assert json_script(body, "compare")["data"][0]["y"] == ["Rotherham", "Sheffield",
                                                            "Darlington"]
    assert "Some of these figures are illustrative" in body
    assert "Source: OHID Fingertips. Contains public sector information" in body
    assert '<option value="2022" selected>2022 (latest)</option>' in body


def test_one_metric_at_a_chosen_period_and_region(client, tenants):
    make_reference()
    deaths = metric("drug_misuse_deaths")
    client.force_login(tenants.users["a_viewer"])
    body = page(client, f"/compare/{deaths.pk}/", period="2021")
    assert '<option value="2021" selected>2021</option>' in body
    header, *rows = Tables(body).tables["The figures in the chart, 2021"]
    assert [r[:2] for r in rows] == [["Rotherham", "15.1"], ["Sheffield", "16.1"],
                                     ["Darlington", "17.1"]]
    body = page(client, f"/compare/{deaths.pk}/", period="2021", region="E12000001")
    assert [r[0] for r in Tables(body).tables["The figures in the chart, 2021"][1:]] == [
        "Darlington"]
    for query in ({"period": "2020"}, {"period": "2021; drop"}, {"region": "E12000009"}):
        assert client.get(f"/compare/{deaths.pk}/", query).status_code == 404


def test_a_partnerships_own_observations_are_not_on_the_compare_page(client, tenants):
    # Rotherham's own 2,153 in treatment (2022/23) is its own; the page shows published rows.
    in_treatment = metric("numbers_in_treatment")
    client.force_login(tenants.users["b_viewer"])
    assert client.get(f"/compare/{in_treatment.pk}/").status_code == 404  # none published
    make_reference(["numbers_in_treatment"], [2022])
    body = page(client, f"/compare/{in_treatment.pk}/")
    assert "2,153" not in body and "2153" not in body and "2022/23" not in body
    assert [r[0] for r in Tables(body).tables["The figures in the chart, 2022"][1:]] == [
        "Darlington", "Sheffield", "Rotherham"]  # higher first where higher is better
    # A local metric is never compared.
    local = Metric.objects.get(owner=tenants.a, code="digital_iba")
    client.force_login(tenants.users["superuser"])
    assert client.get(f"/compare/{local.pk}/").status_code == 404


def test_the_grid_shows_areas_by_metrics_in_words_and_colour(client, tenants):
    make_reference(illustrative="E06000005")
    client.force_login(tenants.users["regional"])
    body = page(client, "/compare/")
    header, *rows = Tables(body).tables["Compared with England, by area and metric"]
    names = [metric(c).name for c in ("drug_misuse_deaths", "continuity_of_care",
                                      "numbers_in_treatment")]
    assert header == ["Area", *[f"{n} 2022 (illustrative)" for n in names]]
    assert [r[0] for r in rows] == LOCAL
    by_area = {r[0]: r[1:] for r in rows}
    assert by_area["Rotherham"] == ["Worse 15.2 per 100,000", "Better 15.2%", "Higher 15.2"]
    assert by_area["Darlington"][2] == "Not compared 17.2"
    # The colour goes with the words, never alone.
    assert '<strong class="govuk-tag govuk-tag--red">Worse</strong>' in body
    assert '<strong class="govuk-tag govuk-tag--green">Better</strong>' in body
    assert '<strong class="govuk-tag govuk-tag--grey">Not compared</strong>' in body
    assert ("3 areas of England on 3 metrics, compared with England: "
            f"{names[0]} (2022): 1 similar, 2 worse; ") in body
    assert "Some of these figures are illustrative" in body


def test_the_grid_at_a_chosen_period_for_chosen_metrics_and_region(client, tenants):
    make_reference()
    deaths, care = metric("drug_misuse_deaths"), metric("continuity_of_care")
    make_reference(["numbers_in_treatment"], [2023])  # a newer period of one metric only
    client.force_login(tenants.users["a_viewer"])
    body = page(client, "/compare/")
    assert "The latest of each metric" in body
    header = Tables(body).tables["Compared with England, by area and metric"][0]
    assert header[3].endswith("2023") and header[1].endswith("2022")
    body = page(client, f"/compare/?show={deaths.pk}&show={care.pk}&period=2021"
                        "&region=E12000003")
    header, *rows = Tables(body).tables["Compared with England, by area and metric"]
    assert header == ["Area", f"{deaths.name} 2021", f"{care.name} 2021"]
    assert [r[0] for r in rows] == ["Rotherham", "Sheffield"]
    assert rows[0][1:] == ["Worse 15.1 per 100,000", "Better 15.1%"]
    assert "2 areas of Yorkshire and the Humber region on 2 metrics" in body
    assert f'id="show-{deaths.pk}" name="show" type="checkbox" value="{deaths.pk}" checked' in body
    # A period one metric lacks: its column says there are no figures.
    body = page(client, f"/compare/?show={deaths.pk}&show="
                        f"{metric('numbers_in_treatment').pk}&period=2023")
    header, *rows = Tables(body).tables["Compared with England, by area and metric"]
    assert header[1] == f"{deaths.name} 2023: no figures" and rows[0][1] == "No figure"
    for query in (f"show={deaths.pk}&period=1999", "show=abc", "show=99999999",
                  f"show={deaths.pk}&region=E92000001"):
        assert client.get(f"/compare/?{query}").status_code == 404, query


def test_no_reference_data_means_nothing_to_compare(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    body = page(client, "/compare/")
    assert "No figures to compare yet." in body

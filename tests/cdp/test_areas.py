"""A partnership of several areas: each metric's areas side by side on the dashboard's tile
and the metric page, with their combined figure and its CI where the value type allows
(cdp/areas.py, outcomes/combine.py), and the reason where it does not."""

import html
from datetime import date

import pytest

from outcomes.models import FrameworkMetric, Metric, ReferenceFigure
from outcomes.services import import_file, summaries_recompute
from partnerships.models import LocalAuthority

from .test_dashboards import Tables, json_script

pytestmark = pytest.mark.django_db

ROWS = ("metric,area_code,period,value,count,denominator,lower_ci,upper_ci\n"
        "{code},E08000018,2022/23,40.0,20,50,27.6,53.8\n"
        "{code},E08000019,2022/23,35.7,25,70,25.5,47.4\n")


def several_areas(tenants, code: str, value_type: str) -> Metric:
    """Rotherham's partnership made Rotherham and Sheffield, with a metric's figures for
    both (45 of 120 together: METHODS §1.1's worked example) and England's at 48%."""
    tenants.a.local_authorities.add(LocalAuthority.objects.get(code="E08000019"))
    metric = Metric.objects.get(code=code, owner=None)
    metric.value_type = value_type
    metric.save()
    FrameworkMetric.objects.create(partnership=tenants.a, metric=metric)
    ReferenceFigure.objects.create(
        metric=metric, area_code="E92000001", area_name="England", area_type="England",
        period_label="2022/23", period_start=date(2022, 4, 1), period_end=date(2023, 3, 31),
        period_year_type="financial", period_sortable=20220000, value=48.0)
    import_file(partnership=tenants.a, user=tenants.users["a_analyst"], file_name="two.csv",
                data=ROWS.format(code=code).encode(), format="tidy")
    summaries_recompute(partnership_ids=[tenants.a.pk])
    return metric


def test_the_dashboard_tile_shows_the_areas_side_by_side_and_combined(client, tenants):
    metric = several_areas(tenants, "continuity_of_care", "proportion")
    client.force_login(tenants.users["a_viewer"])
    body = client.get("/partnerships/rotherham/").content.decode()
    assert body.count('class="cdp-tile cdp-tile--areas"') >= 1
    table = Tables(body).tables[f"{metric.label}: each area's latest figure, and all combined"]
    assert table[1][:3] == ["Rotherham", "2022/23", "40.0%"]
    assert table[2][:3] == ["Sheffield", "2022/23", "35.7%"]
    assert table[3][:3] == ["All 2 areas combined", "2022/23",
                            "37.5% (95% CI 29.4% to 46.4%)"]
    # England (48%) is above the combined 95% CI (29.35-46.42): high is good, so worse.
    assert table[3][3] == "Worse than England"
    assert (f"{metric.name} in the 2 areas: highest Rotherham (40.0%, 2022/23), lowest "
            "Sheffield (35.7%, 2022/23); combined, 37.5% in 2022/23 (95% confidence interval "
            "29.4% to 46.4%), worse than England." in body)


def test_the_metric_page_draws_the_areas_side_by_side_with_the_combined_figure(client,
                                                                              tenants):
    metric = several_areas(tenants, "continuity_of_care", "proportion")
    client.force_login(tenants.users["a_viewer"])
    body = client.get(f"/partnerships/rotherham/metrics/{metric.pk}/").content.decode()
    assert "The areas side by side" in body
    table = Tables(body).tables["Each area's latest figure, and all combined"]
    assert table[3] == ["All 2 areas combined", "2022/23", "37.5%", "29.4% to 46.4%",
                        "Worse than England"]
    assert ("The areas are combined by adding up their counts (45) and their denominators "
            "(120). The combined figure's confidence intervals are Wilson score intervals: "
            "95%, 29.4% to 46.4%; 99.8%, 25.2% to 51.6%." in html.unescape(body))
    figure = json_script(body, "chart-areas")
    bars = figure["data"][0]
    assert bars["y"] == ["Rotherham", "Sheffield", "All 2 areas combined"]
    assert bars["x"][2] == pytest.approx(37.5)
    assert figure["layout"]["shapes"][0]["x0"] == 48.0  # England's line
    # Each area keeps its own chart, sentence and table below.
    assert 'id="chart-E08000018"' in body and 'id="chart-E08000019"' in body


def test_a_directly_standardised_rate_says_it_cannot_be_combined(client, tenants):
    metric = several_areas(tenants, "drug_misuse_deaths", "dsr")
    client.force_login(tenants.users["a_viewer"])
    for url in ("/partnerships/rotherham/", f"/partnerships/rotherham/metrics/{metric.pk}/"):
        body = client.get(url).content.decode()
        assert "Directly standardised rates cannot be combined: each area&#x27;s rate is " \
               "standardised to its own age structure" in body, url
        assert "areas combined" not in body


def test_an_area_without_a_figure_stops_the_combination_and_is_named(client, tenants):
    metric = several_areas(tenants, "continuity_of_care", "proportion")
    tenants.a.local_authorities.add(LocalAuthority.objects.get(code="E08000016"))
    client.force_login(tenants.users["a_viewer"])
    body = client.get(f"/partnerships/rotherham/metrics/{metric.pk}/").content.decode()
    table = Tables(body).tables["Each area's latest figure"]
    assert table[1][:3] == ["Barnsley", "–", "No figure"]
    assert "Cannot be combined: Barnsley has no figure." in body


def test_a_partnership_of_one_area_keeps_its_tiles(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    body = client.get("/partnerships/rotherham/").content.decode()
    assert "cdp-tile--areas" not in body and '<li class="cdp-tile">' in body
    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)
    body = client.get(f"/partnerships/rotherham/metrics/{metric.pk}/").content.decode()
    assert "The areas side by side" not in body

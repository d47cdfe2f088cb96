"""The data coverage page: each framework metric's latest period held, the period expected by
now and whether the partnership is behind, what is behind first."""

import re

import pytest
from django.utils import timezone

from outcomes.coverage import expected_period
from outcomes.models import FrameworkMetric, Metric, Observation
from outcomes.periods import parse_period

pytestmark = pytest.mark.django_db

URL = "/partnerships/rotherham/data/coverage/"


def national(code: str) -> Metric:
    return Metric.objects.get(code=code, owner=None)


def hold_expected(partnership, code: str) -> str:
    """A figure for the period of the metric expected today: up to date, whatever today."""
    metric = national(code)
    period = expected_period(metric.frequency, metric.publication_lag_months,
                             timezone.localdate())
    Observation.objects.create(
        partnership=partnership, metric=metric, area_code="E08000018", period_label=period.label,
        period_start=period.start, period_end=period.end, period_year_type=period.year_type,
        period_sortable=period.sortable, value=40)
    return period.label


def table_rows(html: str) -> list[str]:
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split())
            for row in body.split("</tr>") if "<th" in row]


def test_the_page_shows_what_is_behind_first_with_a_sentence(client, tenants):
    FrameworkMetric.objects.create(partnership=tenants.a, metric=national("continuity_of_care"))
    FrameworkMetric.objects.create(partnership=tenants.a, metric=national("drug_misuse_deaths"))
    held = hold_expected(tenants.a, "continuity_of_care")
    client.force_login(tenants.users["a_viewer"])  # every member reads it
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1 class=\"govuk-heading-l\">Data coverage</h1>" in html
    assert ("Of 3 metrics in the framework, 1 is behind what should be published by now, 1 has "
            "no data held and 1 is up to date.") in html
    treatment = national("numbers_in_treatment")
    expected = expected_period("annual", 8, timezone.localdate(), parse_period("2022/23"))
    behind = expected.start.year - 2022
    rows = table_rows(html)
    assert len(rows) == 3
    assert rows[0].startswith(treatment.name)
    assert (f"Annual, 8 months after the period 2022/23 {expected.label} due" in rows[0])
    periods = "period" if behind == 1 else "periods"
    assert rows[0].endswith(f"{behind} {periods} behind: {expected.label} expected")
    assert rows[1].startswith("Deaths related to drug misuse")
    assert "No data held:" in rows[1]
    assert rows[2].startswith(national("continuity_of_care").name)
    assert held in rows[2] and rows[2].endswith("Up to date")
    assert f'href="/partnerships/rotherham/metrics/{treatment.pk}/"' in html
    assert "/api/v1/coverage/?partnership=rotherham&amp;format=csv" in html


def test_without_a_framework_the_page_says_so(client, tenants):
    FrameworkMetric.objects.filter(partnership=tenants.a).delete()
    client.force_login(tenants.users["a_analyst"])
    html = client.get(URL).content.decode()
    assert "No metrics in the framework yet." in html
    assert "There are no metrics in the framework." in html


def test_the_data_pages_link_to_it(client, tenants):
    client.force_login(tenants.users["a_analyst"])
    for page in ("/partnerships/rotherham/", "/partnerships/rotherham/data/framework/",
                 "/partnerships/rotherham/data/imports/",
                 "/partnerships/rotherham/about/"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert f'href="{URL}"' in response.content.decode(), page


def test_another_partnership_is_not_found(client, tenants):
    client.force_login(tenants.users["b_admin"])
    assert client.get(URL).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302


def test_a_local_metric_is_created_with_its_publication_lag(client, tenants):
    client.force_login(tenants.users["a_analyst"])
    url = "/partnerships/rotherham/data/framework/local-metrics/new/"
    form = client.get(url).content.decode()
    assert "Publication lag in months (optional)" in form
    fields = {"code": "naloxone_kits", "name": "Naloxone kits given out", "unit": "count",
              "polarity": "higher_better", "frequency": "quarterly"}
    bad = client.post(url, {**fields, "publication_lag_months": "-1"}).content.decode()
    assert "The publication lag must be 0 months or more" in bad
    client.post(url, {**fields, "publication_lag_months": "2"}, follow=True)
    assert Metric.objects.get(owner=tenants.a, code="naloxone_kits").publication_lag_months == 2
    client.post(url, {**fields, "code": "outreach_contacts"}, follow=True)
    assert Metric.objects.get(owner=tenants.a,
                              code="outreach_contacts").publication_lag_months is None

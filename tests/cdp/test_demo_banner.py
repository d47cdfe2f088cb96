"""The demonstration banner and the provenance lines: figures marked Illustrative are
invented, real Fingertips figures carry their licence credit, and old figures say so."""

from datetime import date

import pytest

from outcomes.models import FrameworkMetric, Metric, Observation
from outcomes.provenance import FINGERTIPS_CREDIT
from outcomes.services import summaries_recompute

pytestmark = pytest.mark.django_db
BANNER = "This is a demonstration: figures marked Illustrative are invented."


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_no_banner_where_nothing_is_illustrative(client, tenants, settings):
    settings.DEMO = False
    summaries_recompute(partnership_ids=[tenants.a.pk])
    for url in ("/partnerships/rotherham/about/", "/partnerships/rotherham/",
                "/partnerships/rotherham/spine/"):
        assert BANNER not in page(client, tenants.users["a_viewer"], url), url


def test_a_demonstration_says_so_on_every_page(client, tenants, settings):
    settings.DEMO = True
    for url in ("/partnerships/rotherham/about/", "/partnerships/rotherham/plan/",
                "/account/api-tokens/"):
        assert BANNER in page(client, tenants.users["a_viewer"], url), url


def test_illustrative_figures_bring_the_banner_and_their_label(client, tenants, settings):
    settings.DEMO = False
    Observation.objects.filter(partnership=tenants.a).update(value_note="Illustrative")
    summaries_recompute(partnership_ids=[tenants.a.pk])
    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)
    viewer = tenants.users["a_viewer"]
    for url in ("/partnerships/rotherham/", f"/partnerships/rotherham/metrics/{metric.pk}/",
                "/partnerships/rotherham/spine/"):
        body = page(client, viewer, url)
        assert BANNER in body, url
        assert "Illustrative</strong>" in body or "(illustrative)" in body, url
    # The other partnership's figures are real: no banner there.
    assert BANNER not in page(client, tenants.users["b_viewer"], "/partnerships/darlington/")


def test_a_real_fingertips_figure_is_credited_and_an_old_one_called_old(client, tenants,
                                                                         settings):
    settings.DEMO = False
    metric = Metric.objects.get(code="alcohol_specific_mortality", owner=None)
    FrameworkMetric.objects.create(partnership=tenants.a, metric=metric)
    Observation.objects.create(
        partnership=tenants.a, metric=metric, area_code="E08000018", period_label="2016 - 18",
        period_start=date(2016, 1, 1), period_end=date(2018, 12, 31),
        period_year_type="calendar", period_sortable=20160000, value=13.13805811,
        lower_ci=10.69136479, upper_ci=15.97516004, count=101, denominator=790188)
    summaries_recompute(partnership_ids=[tenants.a.pk])
    viewer = tenants.users["a_viewer"]
    for url in ("/partnerships/rotherham/", f"/partnerships/rotherham/metrics/{metric.pk}/"):
        body = page(client, viewer, url)
        assert FINGERTIPS_CREDIT in body, url
        assert "These figures are old: the latest period is 2016 - 18." in body, url
        assert BANNER not in body, url

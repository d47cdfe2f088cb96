"""The board dashboard flags, in words on their tiles, the metrics whose data is behind what
should be published by now (outcomes.coverage), without a query per metric."""

import re

import pytest
from django.utils import timezone

from outcomes import services
from outcomes.coverage import expected_period
from outcomes.models import Metric
from outcomes.periods import parse_period

pytestmark = pytest.mark.django_db


def tiles(client) -> dict[str, str]:
    """Each tile's text by its metric's label (its short name, or its name)."""
    html = client.get("/partnerships/rotherham/").content.decode()
    found = {}
    # A tile's own list item closes on a line of its own: its tags are list items too.
    for tile in re.findall(r'<li class="cdp-tile">(.*?)\n\s*</li>\n', html, flags=re.S):
        text = " ".join(re.sub(r"<[^>]+>", " ", tile).split())
        name = re.search(r'class="govuk-link"[^>]*>([^<]+)</a>', tile).group(1)
        found[name] = text
    return found


def test_a_stale_tile_says_what_it_holds_and_what_is_expected(client, tenants):
    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)
    expected = expected_period(metric.frequency, metric.publication_lag_months,
                               timezone.localdate(), parse_period("2022/23"))
    client.force_login(tenants.users["a_viewer"])
    tile = tiles(client)[metric.label]
    assert f"Newer figures expected: {expected.label} (we hold 2022/23)" in tile

    # Loading the period expected brings the tile up to date: the flag goes.
    services.import_file(
        partnership=tenants.a, user=tenants.users["a_analyst"], file_name="latest.csv",
        data=f"metric,area_code,period,value\nnumbers_in_treatment,E08000018,{expected.label},"
             "2300\n".encode(), format="tidy")
    services.summaries_recompute(partnership_ids=[tenants.a.pk])
    tile = tiles(client)[metric.label]
    assert expected.label in tile
    assert "Newer figures" not in tile and "expected" not in tile


def test_a_metric_without_a_schedule_is_never_flagged(client, tenants):
    from outcomes.models import FrameworkMetric

    local = Metric.objects.get(owner=tenants.a, code="digital_iba")  # no publication lag
    FrameworkMetric.objects.create(partnership=tenants.a, metric=local)
    services.import_file(
        partnership=tenants.a, user=tenants.users["a_analyst"], file_name="iba.csv",
        data=b"metric,area_code,period,value\ndigital_iba,E08000018,2015/16,10\n",
        format="tidy")
    services.summaries_recompute(partnership_ids=[tenants.a.pk])
    client.force_login(tenants.users["a_viewer"])
    found = tiles(client)
    assert "Newer figures expected" not in found[local.label]
    assert "Newer figures expected" in found[Metric.objects.get(code="numbers_in_treatment",
                                                                owner=None).label]

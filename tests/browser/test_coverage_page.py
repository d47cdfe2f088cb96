"""The data coverage page in a real browser: reached from the dashboard, accessible, and the
dashboard's stale tile says so in words."""

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coverage_page_from_the_dashboard(live_server, page, axe_source, tenants):
    from outcomes.models import FrameworkMetric, Metric

    for code in ("ocu_prevalence", "drug_misuse_deaths"):
        FrameworkMetric.objects.create(partnership=tenants.a,
                                       metric=Metric.objects.get(code=code, owner=None))
    sign_in(page, live_server.url, "a_viewer")
    page.goto(f"{live_server.url}/partnerships/rotherham/")
    expect(page.get_by_text("(we hold 2022/23)").first).to_be_visible()
    assert axe_violations(page, axe_source) == []

    page.get_by_role("link", name="Data coverage").click()
    expect(page.get_by_role("heading", name="Data coverage", level=1)).to_be_visible()
    expect(page.get_by_text("Of 3 metrics in the framework, 1 is behind")).to_be_visible()
    table = page.get_by_role("table", name="Coverage of the framework's metrics")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("The numbers in treatment")
    expect(rows.nth(0)).to_contain_text("behind:")
    expect(rows.nth(1)).to_contain_text("No data held:")
    expect(rows.nth(2)).to_contain_text("No publication schedule: published when reported")
    assert axe_violations(page, axe_source) == []

    page.set_viewport_size({"width": 375, "height": 800})  # a phone: the table scrolls
    assert axe_violations(page, axe_source) == []

"""A partnership of several areas in a real browser, on a laptop and on a phone: each
metric's areas side by side on the dashboard's tile and the metric page, combined where they
can be, with the reason where they cannot; the charts drawn and fitting, and axe-clean."""

import pytest
from playwright.sync_api import expect

from tests.cdp.test_areas import several_areas

from .conftest import axe_violations
from .test_dashboard_pages import (
    assert_fits_the_viewport,
    assert_no_text_overlaps_in_charts,
    sized_page,  # noqa: F401 (a fixture)
)
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_areas_side_by_side_and_combined(live_server, sized_page, axe_source,  # noqa: F811
                                             tenants, tmp_path):
    size, page = sized_page
    metric = several_areas(tenants, "continuity_of_care", "proportion")
    several_areas(tenants, "drug_misuse_deaths", "dsr")
    sign_in(page, live_server.url, "a_viewer")
    tile = page.locator(".cdp-tile--areas").filter(has_text=metric.name)
    table = tile.get_by_role("table")
    expect(table.get_by_role("row", name="All 2 areas combined")).to_contain_text(
        "37.5% (95% CI 29.4% to 46.4%)")
    expect(table.get_by_role("row", name="Sheffield")).to_contain_text("35.7%")
    deaths = page.locator(".cdp-tile--areas").filter(has_text="Deaths")
    expect(deaths.get_by_text("Directly standardised rates cannot be combined")).to_be_visible()
    page.screenshot(path=tmp_path / f"areas-dashboard-{size}.png", full_page=True)
    assert_fits_the_viewport(page)
    assert axe_violations(page, axe_source) == []

    tile.get_by_role("link", name=metric.label).click()
    expect(page.get_by_role("heading", name="The areas side by side")).to_be_visible()
    page.wait_for_selector('[data-chart="chart-areas"].cdp-chart--drawn .main-svg')
    chart = page.locator('[data-chart="chart-areas"]')
    expect(chart.locator(".main-svg").first).to_be_visible()
    table = page.get_by_role("table", name="Each area's latest figure, and all combined")
    expect(table.get_by_role("row", name="All 2 areas combined")).to_contain_text(
        "Worse than England")
    # Each area's own chart draws England's single point as a marker.
    page.wait_for_selector('[data-chart="chart-E08000019"].cdp-chart--drawn .main-svg')
    sheffield = page.locator('[data-chart="chart-E08000019"]')
    assert sheffield.locator(".scatterlayer .trace").count() >= 2
    assert sheffield.locator(".scatterlayer .trace").nth(1).locator(".point").count() == 1
    page.screenshot(path=tmp_path / f"areas-metric-{size}.png", full_page=True)
    assert_fits_the_viewport(page)
    assert_no_text_overlaps_in_charts(page)
    assert axe_violations(page, axe_source) == []

"""The compare page's metric chooser in a real browser, with and without JavaScript, on a
laptop and on a phone: a labelled select and a Show button, axe-clean, the chosen metric's
page with the metric preselected."""

import pytest
from playwright.sync_api import expect

from outcomes.models import Metric
from tests.cdp.test_compare_chooser import with_deaths

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IN_TREATMENT = "The numbers in treatment for adults and young people"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


def fits_the_viewport(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_a_regional_viewer_chooses_a_metric_to_compare(live_server, browser, axe_source,
                                                       tenants, size, tmp_path):
    deaths = with_deaths(tenants)
    in_treatment = Metric.objects.get(code="numbers_in_treatment", owner=None)
    context = browser.new_context(bypass_csp=True, **VIEWPORTS[size])
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, "regional")
    page.goto(f"{live_server.url}/compare/")
    expect(page.get_by_role("heading", name="Compare areas", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Compared with England, by area and metric")
           ).to_be_visible()
    chooser = page.get_by_label("Metric", exact=True)
    expect(chooser).to_be_visible()
    expect(page.get_by_role("button", name="Show", exact=True)).to_be_visible()
    page.screenshot(path=tmp_path / f"compare-index-{size}.png", full_page=True)
    assert fits_the_viewport(page)
    assert axe_violations(page, axe_source) == []

    chooser.select_option(label=deaths.name)
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_role("heading", name=deaths.name, level=1)).to_be_visible()
    assert page.url == f"{live_server.url}/compare/{deaths.pk}/"
    expect(page.get_by_label("Metric", exact=True)).to_have_value(str(deaths.pk))
    expect(page.get_by_role("table", name="The figures in the chart")).to_be_visible()
    expect(page.locator(".cdp-chart--drawn .main-svg").first).to_be_visible()
    page.screenshot(path=tmp_path / f"compare-{size}.png", full_page=True)
    assert fits_the_viewport(page)
    assert axe_violations(page, axe_source) == []

    # Another period, then one region's areas.
    page.get_by_label("Period", exact=True).select_option("2021")
    page.get_by_role("button", name="Show these figures").click()
    expect(page.get_by_role("table", name="The figures in the chart, 2021")).to_be_visible()
    page.get_by_label("Areas", exact=True).select_option(label="North East region")
    page.get_by_role("button", name="Show these figures").click()
    expect(page.get_by_role("table", name="The figures in the chart, 2021")).to_be_visible()
    assert page.get_by_role("table", name="The figures in the chart, 2021").locator(
        "tbody tr").count() == 1
    assert axe_violations(page, axe_source) == []

    # And back to the other metric from its page.
    page.get_by_label("Metric", exact=True).select_option(label=IN_TREATMENT)
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_role("heading", name=IN_TREATMENT, level=1)).to_be_visible()
    expect(page.get_by_text("3 areas; 2 compared with England (1 higher, 1 lower)")).to_be_visible()
    expect(page.get_by_label("Metric", exact=True)).to_have_value(str(in_treatment.pk))
    context.close()


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_the_grid_of_areas_by_metrics(live_server, browser, axe_source, tenants, size,
                                      tmp_path):
    from tests.outcomes.reference_figures import make_reference

    make_reference(illustrative="E06000005")
    context = browser.new_context(bypass_csp=True, **VIEWPORTS[size])
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, "outsider")
    page.goto(f"{live_server.url}/compare/")
    grid = page.get_by_role("table", name="Compared with England, by area and metric")
    expect(grid).to_be_visible()
    expect(grid.locator("tbody tr")).to_have_count(3)
    expect(grid.locator(".govuk-tag", has_text="Worse").first).to_be_visible()
    page.get_by_label(IN_TREATMENT).uncheck()
    page.get_by_label("Period", exact=True).select_option("2021")
    page.get_by_label("Areas", exact=True).select_option(label="Yorkshire and the Humber region")
    page.get_by_role("button", name="Show the grid").click()
    expect(page.get_by_text("2 areas of Yorkshire and the Humber region on 2 metrics")
           ).to_be_visible()
    expect(grid.locator("thead th")).to_have_count(3)
    page.screenshot(path=tmp_path / f"compare-grid-{size}.png", full_page=True)
    assert fits_the_viewport(page)
    assert axe_violations(page, axe_source) == []
    context.close()


def test_the_chooser_works_without_javascript(live_server, browser, tenants):
    deaths = with_deaths(tenants)
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, "regional")
    page.goto(f"{live_server.url}/compare/")
    page.get_by_label("Metric", exact=True).select_option(label=deaths.name)
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_role("heading", name=deaths.name, level=1)).to_be_visible()
    assert page.url == f"{live_server.url}/compare/{deaths.pk}/"
    expect(page.get_by_label("Metric", exact=True)).to_have_value(str(deaths.pk))
    expect(page.get_by_role("table", name="The figures in the chart")).to_be_visible()
    assert page.locator(".main-svg").count() == 0
    context.close()

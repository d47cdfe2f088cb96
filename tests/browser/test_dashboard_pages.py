"""The board dashboard and a metric page in a real browser, on a laptop and on a phone: the
charts drawn and fitting the page, axe-clean, and every sentence and table without JavaScript.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from outcomes.models import Metric

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
METRIC = "The numbers in treatment for adults and young people"
SHORT = "Numbers in treatment"
SENTENCE = f"{METRIC}: 2,153 in 2022/23."
PROGRESS = re.compile(r"^By national priority: 0 of 1 milestones complete \(0%\), "
                      r"1 overdue .* and 0 at risk or off track")
# Every chart drawn again at its column's new width.
REDRAWN = """() => [...document.querySelectorAll('.cdp-chart--drawn')].every((chart) => {
    const drawing = chart.querySelector('.main-svg');
    return drawing && Math.abs(drawing.getBoundingClientRect().width - chart.clientWidth) <= 1;
})"""


@pytest.fixture(params=sorted(VIEWPORTS))
def sized_page(request, browser):
    """A page at a laptop's or a phone's size (bypass_csp lets the test inject axe-core)."""
    context = browser.new_context(bypass_csp=True, **VIEWPORTS[request.param])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield request.param, page
    context.close()


def assert_fits_the_viewport(page) -> None:
    """Nothing makes the page scroll sideways, and every drawn chart fits its column."""
    too_wide = page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        return [...document.querySelectorAll('main *')]
            .filter((e) => e.getBoundingClientRect().right > width + 1)
            .filter((e) => !e.closest('.cdp-table-scroll'))
            .map((e) => e.tagName + ' ' + (e.getAttribute('class') || ''))
            .slice(0, 5);
    }""")
    assert too_wide == []
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for chart in page.locator(".cdp-chart--drawn").all():
        holder = chart.bounding_box()
        drawing = chart.locator(".main-svg").first.bounding_box()
        assert drawing["width"] <= holder["width"] + 1
        assert drawing["height"] <= holder["height"] + 1
        assert holder["x"] >= 0 and holder["x"] + holder["width"] <= width + 1


def assert_no_text_overlaps_in_charts(page) -> None:
    """No two of a chart's labels (title, axis ticks and titles, legend) overlap."""
    overlaps = page.evaluate("""() => {
        const found = [];
        for (const chart of document.querySelectorAll('.cdp-chart--drawn')) {
            const boxes = [...chart.querySelectorAll('text')]
                .filter((t) => t.textContent.trim())
                .map((t) => [t.textContent, t.getBoundingClientRect()])
                .filter(([, r]) => r.width > 0 && r.height > 0);
            for (let i = 0; i < boxes.length; i++) {
                for (let j = i + 1; j < boxes.length; j++) {
                    const [a, ra] = boxes[i], [b, rb] = boxes[j];
                    const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
                    const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
                    if (x > 1 && y > 1) found.push([chart.dataset.chart, a, b]);
                }
            }
        }
        return found;
    }""")
    assert overlaps == []


def test_a_viewer_reads_the_dashboard_and_a_metric(live_server, sized_page, axe_source,
                                                   tenants, tmp_path):
    size, page = sized_page
    sign_in(page, live_server.url, "a_viewer")
    assert page.url == f"{live_server.url}/partnerships/rotherham/"
    # The tile names the metric shortly; its full name heads the metric's page.
    tile = page.locator(".cdp-tile").filter(has=page.get_by_role("link", name=SHORT))
    expect(tile.locator(".cdp-tile__value")).to_have_text("2,153 2022/23")
    expect(tile.get_by_text(METRIC)).to_have_count(0)
    expect(page.get_by_text(re.compile(r"^Figures computed \d\d:\d\d on "))).to_be_visible()
    page.wait_for_selector(".cdp-chart--drawn .main-svg")
    progress = page.locator("figure").filter(has=page.get_by_text(PROGRESS))
    expect(progress.locator(".cdp-chart--drawn .main-svg").first).to_be_visible()
    expect(page.get_by_role("table", name="Milestones by national priority")).to_be_visible()
    expect(page.get_by_role("heading", name="Overdue or at risk (1)")).to_be_visible()
    overdue = page.locator("li").filter(has_text="Prison leavers seen within 3 weeks")
    expect(overdue.get_by_text("Overdue", exact=True)).to_be_visible()
    if size == "phone":  # one tile a row, as wide as the page's column
        column = page.locator("main").bounding_box()["width"]
        assert tile.bounding_box()["width"] >= column - 1
    page.screenshot(path=tmp_path / f"dashboard-{size}.png", full_page=True)
    assert_fits_the_viewport(page)
    assert_no_text_overlaps_in_charts(page)
    assert axe_violations(page, axe_source) == []

    tile.get_by_role("link", name=SHORT).click()
    expect(page.get_by_role("heading", name=METRIC, level=1)).to_be_visible()
    page.wait_for_selector(".cdp-chart--drawn .main-svg")
    figure = page.locator("figure").filter(has=page.get_by_text(SENTENCE))
    expect(figure.locator(".cdp-chart--drawn .main-svg").first).to_be_visible()
    table = page.get_by_role("table", name="The figures in the chart")
    expect(table.get_by_role("row", name="2022/23").get_by_text("2,153")).to_be_visible()
    expect(page.get_by_role("link", name="Prison leavers seen within 3 weeks")).to_be_visible()
    page.screenshot(path=tmp_path / f"metric-{size}.png", full_page=True)
    assert_fits_the_viewport(page)
    assert_no_text_overlaps_in_charts(page)
    assert axe_violations(page, axe_source) == []
    if size == "desktop":  # the window made narrow: the chart is drawn again to fit
        page.set_viewport_size({"width": 600, "height": 768})
        page.wait_for_function(REDRAWN)
        assert_fits_the_viewport(page)
        assert_no_text_overlaps_in_charts(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "rotherham-numbers_in_treatment.csv"
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("metric,area_code,area_name,period,value")
    assert any(line.startswith("numbers_in_treatment,E08000018,") and ",2022/23,2153.0,"
               in line for line in lines[1:])


def test_without_javascript_every_sentence_and_table_is_there(live_server, browser, tenants):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1366,
                                                                        "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, "a_viewer")
    assert page.url == f"{live_server.url}/partnerships/rotherham/"
    assert page.locator(".main-svg").count() == 0
    # No empty space is kept for the charts that are not drawn.
    assert page.locator(".cdp-chart").first.bounding_box()["height"] == 0
    expect(page.get_by_text(re.compile(r"^Of 1 metric on this dashboard, "))).to_be_visible()
    expect(page.locator(".cdp-tile__value")).to_have_text("2,153 2022/23")
    expect(page.get_by_text(re.compile(r"^Figures computed "))).to_be_visible()
    expect(page.get_by_text(PROGRESS)).to_be_visible()
    for name in ("Milestones by national priority", "Milestones by 4P strand"):
        expect(page.get_by_role("table", name=name)).to_be_visible()
    expect(page.get_by_role("link", name="Prison leavers seen within 3 weeks")).to_be_visible()

    page.get_by_role("link", name=SHORT).click()
    expect(page.get_by_role("heading", name=METRIC, level=1)).to_be_visible()
    assert page.locator(".main-svg").count() == 0
    expect(page.get_by_text(SENTENCE)).to_be_visible()
    trend = re.compile("^Recent trend|^No trend can be calculated")
    expect(page.get_by_text(trend)).to_be_visible()
    table = page.get_by_role("table", name="The figures in the chart")
    expect(table.get_by_role("row", name="2022/23").get_by_text("2,153")).to_be_visible()
    expect(page.get_by_role("link", name="Download these figures (CSV)")).to_be_visible()
    expect(page.get_by_role("link", name="Prison leavers seen within 3 weeks")).to_be_visible()
    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)
    assert page.url == f"{live_server.url}/partnerships/rotherham/metrics/{metric.pk}/"
    context.close()


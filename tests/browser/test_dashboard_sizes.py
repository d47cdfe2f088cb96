"""The dashboard, spine and compare pages in a real browser, on a laptop (1366×768) and a
phone (390×844): every chart drawn and readable, tables that scroll showing that they do,
captions within the column, and axe-core finding nothing.

Playwright's async API runs here in a thread of its own, with its own browser, so that
these tests never meet the sync API's loop of tests/browser in the same worker."""

import asyncio
import os
import threading
import time

import pyotp
import pytest
from playwright.async_api import expect

from outcomes.models import Metric
from tests.browser.conftest import AXE, CHROMIUM, LAUNCH_ARGS, missing
from tests.conftest import PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


def in_browser(check, size: str, base: str, username: str):
    """Runs `await check(page)` on a page signed in as `username`, at the size's viewport."""
    if not os.path.exists(CHROMIUM):
        missing(f"{CHROMIUM} is missing (install Debian's chromium package)")
    if not AXE.exists():
        missing(f"{AXE} is missing (run `npm ci`)")

    async def run():
        from playwright.async_api import async_playwright

        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                       args=LAUNCH_ARGS)
            try:
                context = await browser.new_context(bypass_csp=True, **VIEWPORTS[size])
                page = await context.new_page()
                page.set_default_timeout(15_000)
                await page.goto(f"{base}/sign-in/")
                await page.get_by_label("Username").fill(username)
                await page.get_by_label("Password", exact=True).fill(PASSWORD)
                await page.get_by_role("button", name="Sign in").click()
                await page.wait_for_load_state()
                await give_code(page)
                return await check(page)
            finally:
                await browser.close()

    outcome = {}

    def thread():
        try:
            outcome["value"] = asyncio.run(run())
        except BaseException as error:  # raised again in the test's thread
            outcome["error"] = error

    worker = threading.Thread(target=thread)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


async def give_code(page) -> None:
    """An administrator's second factor: the authenticator app's code (the next one if this
    one was taken by an earlier sign-in)."""
    for offset in (0, 30, -30):
        if not page.url.endswith("/sign-in/second-factor/"):
            return
        await page.get_by_label("Enter the code from your authenticator app").fill(
            pyotp.TOTP(TOTP_SECRET).at(time.time() + offset))
        await page.get_by_role("button", name="Continue").click()
        await page.wait_for_load_state()


async def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.x A and AA violations on the page, as tests/browser checks them."""
    await page.wait_for_load_state()
    await page.add_script_tag(content=AXE.read_text())
    result = await page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
    })""")
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]]


async def assert_tables_fit_and_say_they_scroll(page) -> None:
    """The page never scrolls sideways; every table is in a focusable, named region whose
    caption wraps within the column; a region wider than its column scrolls, with a shadow
    (its background) at the edge saying there is more."""
    width = await page.evaluate("document.documentElement.clientWidth")
    assert await page.evaluate("document.documentElement.scrollWidth") <= width
    assert await page.locator("main table").count() == await page.locator(
        ".cdp-table-scroll table").count()
    for region in await page.locator(".cdp-table-scroll").all():
        assert await region.get_attribute("tabindex") == "0"
        assert await region.get_attribute("role") == "region"
        assert await region.get_attribute("aria-labelledby")
        clipped = await region.evaluate("""(r) => {
            const box = r.getBoundingClientRect();
            return [...r.querySelectorAll('caption')].filter((c) => {
                const b = c.getBoundingClientRect();
                return b.right > box.right + 1 || b.left < box.left - 1;
            }).map((c) => c.textContent);
        }""")
        assert clipped == []
        if await region.evaluate("(r) => r.scrollWidth > r.clientWidth + 1"):
            style = await region.evaluate(
                "(r) => [getComputedStyle(r).overflowX, getComputedStyle(r).backgroundImage]")
            assert style[0] == "auto" and "radial-gradient" in style[1]


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_the_spine_chart_is_drawn_and_says_why_a_metric_is_not_placed(live_server, tenants,
                                                                       size):
    async def check(page):
        await page.goto(f"{live_server.url}/partnerships/rotherham/spine/")
        await page.wait_for_selector(".cdp-chart--drawn .main-svg")
        chart = page.locator("[data-chart=spine]")
        await expect(chart.locator(".main-svg").first).to_be_visible()
        assert await chart.evaluate("(c) => c.classList.contains('js-plotly-plot')")
        # The fixture's metric cannot be placed (Rotherham and Darlington share a value):
        # the chart's row says so, as the table does.
        await expect(chart.get_by_text("Every area the same: no range")).to_be_visible()
        await expect(page.get_by_role("table", name="The figures in the chart")).to_be_visible()
        await assert_tables_fit_and_say_they_scroll(page)
        if size == "desktop":  # seven columns fit a laptop's column: nothing is cut off
            region = page.locator(".cdp-table-scroll")
            assert await region.evaluate("(r) => r.scrollWidth <= r.clientWidth + 1")
        assert await axe_violations(page) == []

    in_browser(check, size, live_server.url, "a_viewer")


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_the_compare_chart_is_readable(live_server, tenants, size):
    from tests.outcomes.reference_figures import make_reference

    make_reference(["numbers_in_treatment"], [2022])
    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)

    async def check(page):
        await page.goto(f"{live_server.url}/compare/{metric.pk}/")
        await page.wait_for_selector(".cdp-chart--drawn .main-svg")
        chart = page.locator("[data-chart=compare]")
        # Horizontal bars: a plot area tall enough to read, and each area's short name
        # drawn whole, on the left, within the chart.
        plot = await chart.locator(".nsewdrag").first.bounding_box()
        assert plot["height"] >= 70
        holder = await chart.bounding_box()
        for name in ("Rotherham", "Darlington", "Sheffield"):
            label = chart.locator(".ytick text", has_text=name)
            await expect(label).to_have_text(name)
            box = await label.bounding_box()
            assert box["x"] >= holder["x"] - 1 and box["x"] + box["width"] <= plot["x"] + 1
        await assert_tables_fit_and_say_they_scroll(page)
        assert await axe_violations(page) == []

    in_browser(check, size, live_server.url, "national")  # the superuser: both partnerships


def test_the_compare_chart_grows_with_many_areas(live_server, tenants):
    from outcomes.models import ReferenceFigure
    from tests.outcomes.reference_figures import make_reference

    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)
    row = make_reference(["numbers_in_treatment"], [2022])[-1]  # Darlington's
    for n in range(11):  # more areas of England, each a bar
        row.pk = None
        row.area_code, row.area_name = f"E0800{n:04d}", f"Place number {n}"
        row.value = 1000 + n
        ReferenceFigure.objects.bulk_create([row])

    async def check(page):
        await page.goto(f"{live_server.url}/compare/{metric.pk}/")
        await page.wait_for_selector(".cdp-chart--drawn .main-svg")
        chart = page.locator("[data-chart=compare]")
        assert await chart.locator(".ytick").count() == 14
        plot = await chart.locator(".nsewdrag").first.bounding_box()
        assert plot["height"] / 14 >= 20  # every bar at least 20px high

    in_browser(check, "phone", live_server.url, "national")


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_the_dashboard_marks_overdue_milestones_apart(live_server, tenants, size):
    async def check(page):
        await page.wait_for_selector(".cdp-chart--drawn .main-svg")
        progress = page.locator("[data-chart=progress-priority]")
        await expect(progress.locator(".legendtext", has_text="Overdue")).to_be_visible()
        table = page.get_by_role("table", name="Milestones by national priority")
        await expect(table.get_by_role("columnheader", name="Overdue")).to_be_attached()
        item = page.locator("li").filter(has_text="Prison leavers seen within 3 weeks")
        await expect(item.locator(".govuk-tag")).to_have_text(["Overdue"])
        await expect(item).to_contain_text("was due 31 March 2023; status recorded: On track")
        await assert_tables_fit_and_say_they_scroll(page)
        assert await axe_violations(page) == []

    in_browser(check, size, live_server.url, "a_viewer")

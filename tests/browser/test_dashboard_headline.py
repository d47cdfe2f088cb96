"""A board member reads the sentence at the top of the dashboard and finds the same counts in
its tiles, on a laptop (tiles three or four a row) and on a phone (one a row); each tile has
its short name, figure, comparisons and a trend line that says what it shows; axe finds
nothing at either size."""

import re

import pytest
from playwright.sync_api import expect

from outcomes.models import FrameworkMetric, Metric, ReferenceFigure
from outcomes.periods import parse_period
from outcomes.services import import_file, summaries_recompute

from .conftest import axe_violations
from .test_dashboard_pages import VIEWPORTS, assert_fits_the_viewport
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Rotherham's figures (30 of 50, 95% CI 46.2 to 72.4; 20 of 50, 27.6 to 53.8) against
# England's: better where high is good and England is below, worse where low is good, similar
# where England is inside the interval. Each has the year before too, for its trend line.
FIGURES = {
    "prison_treatment_starts": ("2022/23", 60.0, 30, 46.2, 72.4, 40.0),  # better
    "ocu_unmet_need": ("2022/23", 60.0, 30, 46.2, 72.4, 40.0),  # worse
    "continuity_of_care": ("2022/23 Q4", 40.0, 20, 27.6, 53.8, 45.0),  # similar
    "no_housing_problem": ("2022/23", 40.0, 20, 27.6, 53.8, 42.0),  # similar
}
PREVIOUS = {"2022/23": "2021/22", "2022/23 Q4": "2022/23 Q3"}
SENTENCE = re.compile(
    r"^Of (\d+) metrics on this dashboard, (\d+) (?:is|are) better than England, (\d+) "
    r"similar, (\d+) worse and (\d+) not compared; (\d+) of (\d+) targets? (?:is|are) off "
    r"track; (\d+) milestones? (?:is|are) overdue\.$")


@pytest.fixture(params=sorted(VIEWPORTS))
def sized_page(request, browser):
    """A page at a laptop's (1366×768) or a phone's (390×844) size."""
    context = browser.new_context(bypass_csp=True, **VIEWPORTS[request.param])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield request.param, page
    context.close()


def england(metric: Metric, label: str, value: float) -> None:
    period = parse_period(label)
    ReferenceFigure.objects.create(
        metric=metric, area_code="E92000001", area_name="England", area_type="England",
        period_label=label, period_start=period.start, period_end=period.end,
        period_year_type=period.year_type, period_sortable=period.sortable, value=value)


def board_figures(tenants) -> None:
    """Rotherham's framework gets four more metrics with figures and England's."""
    rows = ["metric,area_code,period,value,count,denominator,lower_ci,upper_ci"]
    for code, (label, value, count, lower, upper, england_value) in FIGURES.items():
        metric = Metric.objects.get(code=code, owner=None)
        FrameworkMetric.objects.create(partnership=tenants.a, metric=metric)
        england(metric, label, england_value)
        rows.append(f"{code},E08000018,{PREVIOUS[label]},50.0,25,50,36.6,63.4")
        rows.append(f"{code},E08000018,{label},{value},{count},50,{lower},{upper}")
    import_file(partnership=tenants.a, user=tenants.users["a_analyst"], file_name="board.csv",
                data="\n".join(rows).encode() + b"\n", format="tidy")
    summaries_recompute(partnership_ids=[tenants.a.pk])


def test_a_board_member_finds_the_sentences_counts_in_the_tiles(live_server, sized_page,
                                                                 axe_source, tenants,
                                                                 tmp_path):
    size, page = sized_page
    board_figures(tenants)
    sign_in(page, live_server.url, "a_viewer")
    assert page.url == f"{live_server.url}/partnerships/rotherham/"

    sentence = page.locator("#headline")
    expect(sentence).to_be_visible()
    found = SENTENCE.match(sentence.inner_text().strip())
    assert found, sentence.inner_text()
    metrics, better, similar, worse, not_compared, off_track, targets, overdue = map(
        int, found.groups())
    assert (metrics, better, similar, worse, not_compared) == (5, 1, 2, 1, 1)
    assert (off_track, targets, overdue) == (0, 1, 1)
    # One area: nothing to explain about counting several.
    expect(page.get_by_text("For a partnership of several areas")).to_have_count(0)

    # The same counts, tile by tile, by the tag each tile shows against England.
    tiles = page.locator(".cdp-tile")
    expect(tiles).to_have_count(metrics)

    def tagged(kind: str, words: str) -> int:
        tags = page.locator(f".cdp-tile .cdp-headline-tag[data-headline='{kind}']")
        for tag in tags.all():
            expect(tag).to_have_text(words)
        return tags.count()

    assert tagged("better", "Better than England") == better
    assert tagged("similar", "Similar to England") == similar
    assert tagged("worse", "Worse than England") == worse
    assert tagged("not-compared", "Not compared with England") == not_compared
    assert page.locator(".cdp-tile").filter(has_text="Target off track").count() == off_track
    assert page.locator(".cdp-tile").filter(
        has_text=re.compile(r"Target (achieved|on track|off track|status not known)")
    ).count() == targets
    overdue_table = page.get_by_role("table", name="Milestones by national priority")
    column = [int(cell) for cell in overdue_table.locator("tbody tr td:last-child")
              .all_inner_texts()]
    assert sum(column) == overdue

    # A tile: the short name (the full name is on the metric's page), the figure and its
    # period, England and the region, and its trend line with the sentence saying it.
    tile = tiles.filter(has=page.get_by_role("link", name="Treatment starts on arrival in "
                                                          "prison", exact=True))
    expect(tile.locator(".cdp-tile__value")).to_have_text("60.0% 2022/23")
    expect(tile.get_by_text("Not compared with the region")).to_be_visible()  # none held
    expect(tile.locator("svg.cdp-spark__svg path.cdp-spark__line")).to_have_count(1)
    assert tile.locator("svg.cdp-spark__svg").get_attribute("aria-hidden") == "true"
    expect(tile.get_by_text("Rising from 50.0% in 2021/22 to 60.0% in 2022/23")
           ).to_be_visible()
    assert tile.locator("[style]").count() == 0
    full = Metric.objects.get(code="prison_treatment_starts", owner=None).name
    expect(tile.get_by_text(full)).to_have_count(0)

    # Four metrics of one outcome: a row of them on a laptop, one a row on a phone.
    group = page.locator(".cdp-outcome-group").filter(
        has=page.get_by_role("heading", name=re.compile("Increase engagement in treatment")))
    tops = [round(box["y"]) for box in
            (t.bounding_box() for t in group.locator(".cdp-tile").all())]
    assert len(tops) == 4
    if size == "desktop":
        assert len(set(tops)) == 1, tops
    else:
        assert len(set(tops)) == 4, tops
        column_width = page.locator("main").bounding_box()["width"]
        assert tile.bounding_box()["width"] >= column_width - 1
    page.screenshot(path=tmp_path / f"dashboard-headline-{size}.png", full_page=True)
    assert_fits_the_viewport(page)
    assert axe_violations(page, axe_source) == []

    tile.get_by_role("link", name="Treatment starts on arrival in prison").click()
    expect(page.get_by_role("heading", name=full, level=1)).to_be_visible()


def test_the_figures_behind_say_which_are_expected(live_server, sized_page, tenants):
    size, page = sized_page
    sign_in(page, live_server.url, "a_viewer")
    tile = page.locator(".cdp-tile").filter(has=page.get_by_role("link",
                                                                 name="Numbers in treatment"))
    # The fixture's latest is 2022/23: behind from the end of 2024 on.
    expect(tile.get_by_text(re.compile(
        r"^Newer figures expected: \d{4}/\d\d \(we hold 2022/23\)$"))).to_be_visible()
    expect(tile.get_by_text("Data behind")).to_have_count(0)

"""A lead records two updates on one milestone by keyboard alone, from their own milestones,
and sees both in its progress log. axe at 1366×768 and at 390×844 on every page."""

import pytest
from playwright.sync_api import expect

from actionplans.models import Milestone, ProgressUpdate

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}

FOCUSED = """() => {
    const e = document.activeElement;
    const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
    return [e.tagName, (e.innerText || e.value || '').trim(), label.trim()].join('|');
}"""


CONTROLS = ("A", "BUTTON", "INPUT", "TEXTAREA", "SELECT")


def tab_to(page, wanted: str, limit: int = 120) -> str:
    """Presses Tab until the focused control's text or label contains `wanted` (a scrolling
    table's region, which takes the focus too, is passed over)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused.split("|")[0] in CONTROLS and wanted in focused:
            return focused
    raise AssertionError(f"Tab never reached {wanted!r}")


def accessible_at_both_sizes(page, axe_source) -> None:
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert axe_violations(page, axe_source) == [], size
        width = page.evaluate("() => document.documentElement.scrollWidth")
        wide = page.evaluate("""(w) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w)
            .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)""", size["width"])
        assert width <= size["width"], (size, width, wide)
    page.set_viewport_size(DESKTOP)


def add_update(page, text: str, *, next_status: bool = False, link: str = "") -> None:
    """On the progress form, by keyboard: the status, what has happened, a link, submit."""
    if next_status:
        tab_to(page, "On track")  # the status as it is: the checked radio takes the focus
        page.keyboard.press("ArrowDown")
    tab_to(page, "What has happened since the last update")
    page.keyboard.type(text)
    if link:
        tab_to(page, "Link to evidence")
        page.keyboard.type(link)
    tab_to(page, "Add the update")
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_a_lead_records_two_updates_by_keyboard_and_sees_both_in_the_log(
    live_server, page, axe_source, tenants
):
    milestone = tenants.milestones["a"]
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "a_lead")
    tab_to(page, "My milestones")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My milestones")).to_be_visible()
    expect(page.get_by_text("1 overdue")).to_be_visible()
    accessible_at_both_sizes(page, axe_source)

    tab_to(page, "Update progress")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Update progress")).to_be_visible()
    form = page.get_by_label("What has happened since the last update")
    expect(form).to_have_value("")  # the form starts empty; the last update is shown above
    expect(page.get_by_text("Pathway agreed with probation")).to_be_visible()
    accessible_at_both_sizes(page, axe_source)
    add_update(page, "Ten prison leavers seen this month", next_status=True)
    expect(page.get_by_text("Milestone saved.")).to_be_visible()

    tab_to(page, "Update progress")
    page.keyboard.press("Enter")
    expect(page.get_by_label("At risk")).to_be_checked()
    add_update(page, "Probation staff shortage eased", link="https://example.org/minutes")
    expect(page.get_by_text("Milestone saved.")).to_be_visible()

    log = page.locator("ol.cdp-progress-log > li")
    expect(log).to_have_count(3)
    expect(log.nth(0)).to_contain_text("Probation staff shortage eased")
    expect(log.nth(0)).to_contain_text("By A Lead")
    expect(log.nth(0).get_by_role("link", name="https://example.org/minutes")).to_be_visible()
    expect(log.nth(1)).to_contain_text("Ten prison leavers seen this month")
    expect(log.nth(1)).to_contain_text("At risk")
    expect(log.nth(2)).to_contain_text("Pathway agreed with probation")
    accessible_at_both_sizes(page, axe_source)

    saved = Milestone.objects.get(pk=milestone.pk)
    assert (saved.status, saved.progress_note) == ("at_risk", "Probation staff shortage eased")
    assert ProgressUpdate.objects.filter(milestone=milestone).count() == 3

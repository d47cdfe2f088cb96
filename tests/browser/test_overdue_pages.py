"""A lead re-dates three overdue milestones at once, by keyboard alone; axe at a laptop's
size and a phone's."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from actionplans import services
from actionplans.models import KeyAction, Milestone

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [{"width": 1366, "height": 768}, {"width": 390, "height": 844}]


def tab_to(page, locator, limit: int = 300) -> None:
    """Presses Tab until `locator` has the focus, as a keyboard user would."""
    handle = locator.element_handle()
    for _ in range(limit):
        if page.evaluate("element => document.activeElement === element", handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def test_a_lead_re_dates_three_overdue_milestones_at_once_by_keyboard(
    live_server, page, axe_source, tenants
):
    lead = tenants.users["a_lead"]
    action = KeyAction.objects.get(partnership=tenants.a)
    for title, due in (("Peer mentors trained", date(2024, 3, 31)),
                       ("Naloxone kits in custody", date(2024, 6, 30))):
        services.milestone_create(key_action=action, user=lead, title=title, due_date=due,
                                  status="on_track")
    sign_in(page, live_server.url, "a_lead")
    page.goto(f"{live_server.url}/partnerships/rotherham/plan/")
    link = page.get_by_role("link", name="Re-date or close overdue milestones (3)")
    tab_to(page, link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Re-date or close overdue milestones")).to_be_visible()
    expect(page.get_by_text("was due 31 March 2023; status recorded: On track")).to_be_visible()
    for size in SIZES:
        page.set_viewport_size(size)
        assert axe_violations(page, axe_source) == []

    page.set_viewport_size(SIZES[0])
    select_all = page.get_by_label("Select all 3 overdue milestones")
    tab_to(page, select_all)
    page.keyboard.press("Space")
    for box in page.locator("input[name=milestones]").all():
        expect(box).to_be_checked()
    tab_to(page, page.get_by_label("Re-date them"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("Day"))
    page.keyboard.type("31")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.type("2030")
    tab_to(page, page.get_by_label("Reason"))
    page.keyboard.type("Recruitment to the new service was delayed")
    tab_to(page, page.get_by_role("button", name="Save", exact=True))
    page.keyboard.press("Enter")

    expect(page.get_by_text("3 milestones re-dated to 31 March 2030.")).to_be_visible()
    expect(page.get_by_text("No milestone you may change is overdue.")).to_be_visible()
    for size in SIZES:
        page.set_viewport_size(size)
        assert axe_violations(page, axe_source) == []
    for milestone in Milestone.objects.filter(partnership=tenants.a):
        assert milestone.due_date == date(2030, 3, 31)
        assert milestone.original_due_date is not None
        assert milestone.redate_reason == "Recruitment to the new service was delayed"

    page.set_viewport_size(SIZES[0])
    page.goto(f"{live_server.url}/partnerships/rotherham/plan/milestones/"
              f"{tenants.milestones['a'].pk}/")
    expect(page.get_by_text(re.compile("Re-dated: first due 31 March 2023")).first) \
        .to_be_visible()
    for size in SIZES:
        page.set_viewport_size(size)
        assert axe_violations(page, axe_source) == []

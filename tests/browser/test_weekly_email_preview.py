"""A lead previews their weekly email and sends themselves a test, by keyboard alone; the
locmem email backend receives it (the live server runs in this process). axe at a laptop's
and a phone's size."""

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from actionplans.services.digests import digest_test_key

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [{"width": 1366, "height": 768}, {"width": 390, "height": 844}]


def tab_to(page, name: str, limit: int = 150) -> None:
    """Presses Tab until the focused element's text is `name`, then Enter."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.innerText.trim()") == name:
            page.keyboard.press("Enter")
            page.wait_for_load_state()
            return
    raise AssertionError(f"{name!r} cannot be reached with the Tab key")


def assert_accessible_at_both_sizes(page, axe_source) -> None:
    for size in SIZES:
        page.set_viewport_size(size)
        assert axe_violations(page, axe_source) == [], size


def test_a_lead_previews_the_weekly_email_and_sends_a_test(
    live_server, page, axe_source, tenants, mailoutbox
):
    lead = tenants.users["a_lead"]
    cache.delete(digest_test_key(partnership=tenants.a, user=lead))
    sign_in(page, live_server.url, "a_lead")
    page.goto(f"{live_server.url}/partnerships/rotherham/plan/")
    # The plan is a draft: the lead is offered sign-off where they work.
    banner = page.get_by_role("region", name="The plan is a draft")
    expect(banner.get_by_role("link", name="Sign off the plan")).to_be_visible()
    assert_accessible_at_both_sizes(page, axe_source)

    page.set_viewport_size(SIZES[0])
    tab_to(page, "Your weekly email of milestones to update")
    expect(page.get_by_role("heading", name="Your weekly email", exact=True)).to_be_visible()
    tab_to(page, "Preview the email, or send yourself a test")
    expect(page.get_by_role("heading", name="Preview of your weekly email")).to_be_visible()
    expect(page.get_by_text("Your plan is a draft, so no weekly email is sent until it is "
                            "signed off.")).to_be_visible()
    preview = page.locator("#email-html")
    expect(preview.get_by_text("Your milestones in Rotherham CDP this week: 1 overdue."))\
        .to_be_visible()
    expect(preview.get_by_role("link", name="Prison leavers seen within 3 weeks"))\
        .to_be_visible()
    assert_accessible_at_both_sizes(page, axe_source)

    page.set_viewport_size(SIZES[0])
    tab_to(page, "Send me a test now")
    expect(page.get_by_text(f"A test of your weekly email was sent to {lead.email}."))\
        .to_be_visible()
    [email] = mail.outbox
    assert email.to == [lead.email]
    assert email.subject.startswith("Test: Your milestones this week: 1 overdue")
    assert "Prison leavers seen within 3 weeks" in email.body
    assert_accessible_at_both_sizes(page, axe_source)

    # Straight away again: refused, nothing sent.
    page.set_viewport_size(SIZES[0])
    tab_to(page, "Send me a test now")
    expect(page.get_by_text("A test was sent to you less than a minute ago")).to_be_visible()
    assert len(mail.outbox) == 1

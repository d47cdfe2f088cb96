"""A lead sets their weekly email in a real browser, with and without JavaScript. axe on it."""

import re

import pytest
from playwright.sync_api import expect

from actionplans.models import DigestPreference

from ..actionplans.digest_helpers import sign_off
from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_picks_the_day_of_their_weekly_email(live_server, page, axe_source, tenants):
    sign_off(tenants)
    sign_in(page, live_server.url, "a_lead")
    page.goto(f"{live_server.url}/partnerships/rotherham/plan/")
    page.get_by_role("link", name="Your weekly email of milestones to update").click()
    expect(page.get_by_role("heading", name="Your weekly email", exact=True)).to_be_visible()
    expect(page.get_by_label("Monday")).to_be_checked()  # on, Mondays, by default
    expect(page.get_by_text("1 overdue.")).to_be_visible()
    assert axe_violations(page, axe_source) == []

    page.get_by_label("Thursday").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your weekly email will come on Thursdays.")).to_be_visible()
    expect(page.get_by_label("Thursday")).to_be_checked()
    assert axe_violations(page, axe_source) == []
    assert DigestPreference.objects.values_list("enabled", "weekday").get(
        user=tenants.users["a_lead"]) == (True, 3)

    # What it would list links straight to the milestone's progress form.
    page.get_by_role("link", name="Prison leavers seen within 3 weeks").click()
    expect(page.get_by_role("heading", name="Update progress")).to_be_visible()
    assert re.search(r"/plan/milestones/\d+/progress/$", page.url)


def test_switching_it_off_works_without_javascript(live_server, browser, axe_source, tenants):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "a_lead")
        page.goto(f"{live_server.url}/partnerships/rotherham/plan/weekly-email/")
        expect(page.get_by_text("Your plan is a draft, so no weekly email is sent")).to_be_visible()
        page.get_by_label("Do not send me this email").check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("You will not get the weekly email.")).to_be_visible()
        expect(page.get_by_label("Do not send me this email")).to_be_checked()
    finally:
        context.close()
    assert DigestPreference.objects.values_list("enabled", flat=True).get(
        user=tenants.users["a_lead"]) is False

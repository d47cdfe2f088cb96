"""The timeout warning (static/js/session.js) in Chromium, with short limits: it shows, keeps
the session when answered and signs out when not; a lead's unsaved progress text survives the
timeout, encrypted in the tab, and is offered back after signing in again."""

import re
import time

import pytest
from playwright.sync_api import expect

from actionplans.models import Milestone

from ..conftest import PASSWORD
from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = ({"width": 1366, "height": 768}, {"width": 390, "height": 844})
DIALOG = "You’re about to be signed out"
STORAGE_KEYS = "() => Object.keys(sessionStorage).filter((key) => key.startsWith('cdp.'))"


@pytest.fixture
def short_limits(settings):
    """A 30-second idle limit, warned of 25 seconds before: the warning shows 5 seconds after
    a page loads."""
    settings.SESSION_IDLE_SECONDS = settings.SESSION_COOKIE_AGE = 30
    settings.SESSION_WARNING_SECONDS = 25
    return settings


def test_the_warning_keeps_the_session_when_answered_and_signs_out_when_not(
    live_server, page, axe_source, tenants, short_limits
):
    sign_in(page, live_server.url, "a_viewer")
    about = "/partnerships/rotherham/about/"
    started = time.monotonic()
    page.goto(live_server.url + about)
    dialog = page.get_by_role("dialog", name=DIALOG)
    expect(dialog).to_be_visible(timeout=10_000)
    assert page.evaluate("document.activeElement.id") == "cdp-timeout-dialog"
    expect(dialog).to_contain_text(re.compile(r"you’ll be signed out in 2\d seconds"))
    for size in SIZES:
        page.set_viewport_size(size)
        assert axe_violations(page, axe_source) == [], size

    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    # Answered: the session outlives the first limit, and the warning comes round again.
    expect(dialog).to_be_visible(timeout=15_000)
    page.wait_for_url(re.compile(r"/signed-out/inactive/"), timeout=40_000)
    assert time.monotonic() - started > 31
    expect(page.get_by_role("heading", name="You were signed out because you were inactive"))
    link = page.get_by_role("link", name="Sign in again")
    assert link.get_attribute("href") == "/sign-in/?next=%2Fpartnerships%2Frotherham%2Fabout%2F"
    assert axe_violations(page, axe_source) == []
    # The server ended it too: the page asks to sign in.
    page.goto(live_server.url + about)
    assert "/sign-in/" in page.url


def test_unsaved_progress_text_is_offered_back_after_signing_in_again(
    live_server, page, axe_source, tenants, short_limits
):
    milestone = tenants.milestones["a"]
    form_url = f"{live_server.url}/partnerships/rotherham/plan/milestones/{milestone.pk}/progress/"
    note = "Met the probation team; six referrals agreed, two more to follow next week"
    sign_in(page, live_server.url, "a_lead")
    page.goto(form_url)
    page.get_by_label("What has happened since the last update").fill(note)
    page.get_by_label("Off track").check()
    # Nobody answers the warning: signed out, with the text kept in the tab but unreadable.
    page.wait_for_url(re.compile(r"/signed-out/inactive/"), timeout=40_000)
    kept = page.evaluate(STORAGE_KEYS)
    assert len(kept) == 1 and kept[0].startswith("cdp.draft.")
    assert "probation" not in page.evaluate(f"() => sessionStorage.getItem('{kept[0]}')")

    page.get_by_role("link", name="Sign in again").click()
    page.get_by_label("Username").fill("a_lead")
    short_limits.SESSION_IDLE_SECONDS = short_limits.SESSION_COOKIE_AGE = 1800
    short_limits.SESSION_WARNING_SECONDS = 120
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(form_url)
    offer = page.get_by_role("region", name="Important")
    expect(offer).to_contain_text("You have unsaved text from before you were signed out")
    assert page.get_by_label("What has happened since the last update").input_value() != note
    for size in SIZES:
        page.set_viewport_size(size)
        assert axe_violations(page, axe_source) == [], size
    page.set_viewport_size(SIZES[0])
    offer.get_by_role("button", name="Restore").click()
    expect(offer).to_be_hidden()
    assert page.get_by_label("What has happened since the last update").input_value() == note
    expect(page.get_by_label("Off track")).to_be_checked()

    page.get_by_role("button", name="Add the update").click()
    expect(page.get_by_text("Milestone saved.")).to_be_visible()
    assert Milestone.objects.get(pk=milestone.pk).progress_note == note
    assert page.evaluate(STORAGE_KEYS) == []  # saved: the draft is gone

    # Typed again, then signed out: everything the tab kept is cleared.
    page.goto(form_url)
    page.get_by_label("What has happened since the last update").fill(
        "Not for the next person at this laptop")
    page.wait_for_function("() => Object.keys(sessionStorage).length > 0")
    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    assert page.evaluate(STORAGE_KEYS) == []


def test_the_warning_and_the_offer_run_under_the_content_security_policy(
    live_server, browser, tenants, short_limits
):
    from .test_content_security_policy import RECORD_VIOLATIONS

    context = browser.new_context()  # no bypass_csp: the app's own policy applies
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    milestone = tenants.milestones["a"]
    sign_in(page, live_server.url, "a_lead")
    page.goto(f"{live_server.url}/partnerships/rotherham/plan/milestones/{milestone.pk}/progress/")
    page.get_by_label("What has happened since the last update").fill("Typed under the policy")
    dialog = page.get_by_role("dialog", name=DIALOG)
    expect(dialog).to_be_visible(timeout=10_000)
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    page.reload()
    expect(page.get_by_role("button", name="Restore")).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []
    context.close()

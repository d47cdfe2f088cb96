"""Where one is signed in (cdp/signin/user_sessions.py), in Chromium under the real CSP: found
from the account's two-factor page, axe finds nothing at a laptop's and a phone's size, it
fits 390 px, and signing out of another browser ends that browser's session."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}
PHONE_AGENT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
               "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")
OVERFLOW_JS = (Path(__file__).parent / "overflow.js").read_text()


def test_a_person_sees_where_they_are_signed_in_and_signs_out_elsewhere(
        live_server, page, axe_source, tenants):
    base = live_server.url
    phone = page.context.browser.new_context(user_agent=PHONE_AGENT, viewport=PHONE)
    other = phone.new_page()
    sign_in(other, base, "a_admin")  # with the authenticator app's code
    sign_in(page, base, "a_admin")

    page.set_viewport_size(LAPTOP)
    page.goto(f"{base}/account/two-factor/")
    page.get_by_role("link", name="See the browsers you are signed in with").click()
    expect(page.get_by_role("heading", name="Where you are signed in", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Safari on an iPhone")).to_be_visible()
    expect(page.get_by_text("This browser")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    page.set_viewport_size(PHONE)
    assert axe_violations(page, axe_source) == []
    fits = page.evaluate(OVERFLOW_JS)
    assert fits["width"] <= PHONE["width"] and not fits["problems"] and not fits["undeclared"], fits

    page.get_by_role("button", name="Sign out of Safari on an iPhone").click()
    expect(page.get_by_text("Signed out of 1 other session.")).to_be_visible()
    expect(page.get_by_text("You are not signed in anywhere else.")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    other.goto(f"{base}/partnerships/rotherham/")
    assert "/sign-in/" in other.url
    phone.close()

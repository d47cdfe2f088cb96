"""Two-factor sign-in in Chromium: the authenticator app's code, a passkey through Chromium's
virtual authenticator, recovery codes once each, and the forced set-up; axe-clean at a
laptop's and a phone's size."""

import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from playwright.sync_api import expect

from tests.conftest import PASSWORD

from .conftest import axe_violations
from .test_partnership_pages import give_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [{"width": 1366, "height": 768}, {"width": 390, "height": 844}]


def assert_accessible(page, axe_source) -> None:
    for size in SIZES:
        page.set_viewport_size(size)
        assert axe_violations(page, axe_source) == [], (page.url, size)


def password_only(page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_in_ago(page, seconds: float) -> None:
    """Makes the browser's sign-in `seconds` older (tests/conftest.py's, for a browser)."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from tests.conftest import AUTHENTICATION_RECORDS

    key = next(cookie["value"] for cookie in page.context.cookies()
               if cookie["name"] == settings.SESSION_COOKIE_NAME)
    session = SessionStore(session_key=key)
    for record in session[AUTHENTICATION_RECORDS]:
        record["at"] -= seconds
    session.save()


def sign_out(page) -> None:
    page.set_viewport_size(SIZES[0])  # on a phone, the menu hides the button
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_an_admins_sign_in_is_refused_until_the_code_is_given(live_server, page, axe_source,
                                                              tenants):
    base = live_server.url
    password_only(page, base, "a_admin")
    assert page.url == f"{base}/sign-in/second-factor/"
    assert_accessible(page, axe_source)
    # The password alone signs nobody in: back to the code, whatever page is asked for.
    page.goto(f"{base}/partnerships/rotherham/")
    assert page.url == f"{base}/sign-in/second-factor/"
    expect(page.get_by_text("Signed in as")).to_have_count(0)

    page.get_by_label("Enter the code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, axe_source)
    give_code(page)
    assert page.url == f"{base}/partnerships/rotherham/"
    expect(page.get_by_text("Signed in as a_admin")).to_have_count(1)


def test_an_admin_without_one_sets_up_an_authenticator_app_first(live_server, page,
                                                                 axe_source, tenants):
    base = live_server.url
    Authenticator.objects.filter(user=tenants.users["a_admin"]).delete()
    sign_in(page, base, "a_admin")
    assert page.url == f"{base}/account/two-factor/"
    expect(page.get_by_text("Your role needs two-factor sign-in")).to_be_visible()
    assert_accessible(page, axe_source)
    page.goto(f"{base}/partnerships/rotherham/members/")
    assert page.url == f"{base}/account/two-factor/"

    # Signed in more than 15 minutes ago, setting up a second factor needs the person to
    # confirm it is them: the password again (step-up, ASVS 4.3.3).
    sign_in_ago(page, 16 * 60)
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    assert_accessible(page, axe_source)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    assert_accessible(page, axe_source)
    secret = page.locator("#authenticator_secret").inner_text().strip()
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Set up the app").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    assert page.locator("#recovery_codes li").count() == 10
    assert_accessible(page, axe_source)
    page.goto(f"{base}/partnerships/rotherham/members/")
    assert page.url == f"{base}/partnerships/rotherham/members/"


def test_a_passkey_is_enrolled_and_used(live_server, page, axe_source, tenants, mailoutbox):
    base = f"{live_server.url}"
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})

    sign_in(page, base, "a_lead")  # optional for a lead: offered on their account page
    page.goto(f"{base}/account/two-factor/")
    # Signed in just now: no need to confirm it is them again.
    page.get_by_role("link", name="Add a passkey or security key").click()
    expect(page.get_by_role("heading", name="Add a passkey or security key")).to_be_visible()
    assert_accessible(page, axe_source)
    page.get_by_label("A name for it").fill("Work laptop")
    page.get_by_role("button", name="Add the key").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    key = Authenticator.objects.get(user=tenants.users["a_lead"], type="webauthn")
    assert key.wrap().name == "Work laptop"
    # Its owner is emailed (ASVS 2.5.5); the server keeps the public key only (2.9.1).
    assert [m.subject for m in mailoutbox] == [
        "You added a passkey or security key to your CDP Dashboard account"]
    public_key = key.wrap().authenticator_data.credential_data.public_key  # a COSE key
    assert public_key[3] == -7 and -2 in public_key and -4 not in public_key  # no "d"
    page.goto(f"{base}/account/two-factor/keys/")
    expect(page.get_by_role("cell", name="Work laptop", exact=True)).to_be_visible()
    assert_accessible(page, axe_source)
    sign_out(page)

    password_only(page, base, "a_lead")
    assert page.url == f"{base}/sign-in/second-factor/"
    page.get_by_role("button", name="Use a passkey or security key").click()
    page.wait_for_url(f"{base}/partnerships/rotherham/")
    expect(page.get_by_text("Signed in as a_lead")).to_have_count(1)
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_recovery_codes_work_once_each(live_server, page, tenants):
    base = live_server.url
    codes = RecoveryCodes.activate(tenants.users["a_admin"]).get_unused_codes()

    def with_recovery_code(code: str) -> str:
        password_only(page, base, "a_admin")
        page.get_by_label("Enter the code from your authenticator app").fill(code)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        return page.url

    assert with_recovery_code(codes[0]) == f"{base}/partnerships/rotherham/"
    sign_out(page)
    assert with_recovery_code(codes[0]) == f"{base}/sign-in/second-factor/"
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_role("button", name="Cancel sign-in").click()
    time.sleep(0.1)
    assert with_recovery_code(codes[1]) == f"{base}/partnerships/rotherham/"
    assert RecoveryCodes(Authenticator.objects.get(
        user=tenants.users["a_admin"], type="recovery_codes")).get_unused_codes() == codes[2:]

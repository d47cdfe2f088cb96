"""The password strength meter (static/js/password-strength.js, OWASP ASVS 2.1.8), in
Chromium: on the pages where a new password is chosen it says weak, fair or strong as the
person types, counts their username and email against the password, passes axe at a laptop's
and a phone's size and fits 390 px; it runs under the real Content Security Policy; without
JavaScript nothing shows; the dashboard does not load it; and it works in the Django admin."""

from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from .conftest import axe_violations
from .test_content_security_policy import strict_page  # noqa: F401 (a fixture)
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}
OVERFLOW_JS = (Path(__file__).parent / "overflow.js").read_text()
WEAK = "password1234"
PASSPHRASE = "quiet lantern orbits mossy pebble 47 tugboats"
METER_SCRIPTS = "script[src*='zxcvbn-ts'], script[src*='password-strength']"


def emailed_link(base: str, user) -> str:
    """The link a reset or an invitation's email holds, for choosing a password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{base}/password-reset/{uid}/{default_token_generator.make_token(user)}/"


def test_choosing_a_password_from_an_emailed_link_shows_its_strength(
        live_server, page, axe_source, tenants):
    user = tenants.users["a_viewer"]
    page.set_viewport_size(LAPTOP)
    page.goto(emailed_link(live_server.url, user))
    expect(page.get_by_role("heading", name="Choose a password", level=1)).to_be_visible()
    field = page.get_by_label("New password", exact=True)
    strength = page.locator("#id_new_password1-strength")
    expect(strength).to_have_attribute("aria-live", "polite")
    expect(strength).to_be_empty()
    assert axe_violations(page, axe_source) == []

    field.fill("short")
    expect(strength).to_have_text(
        "Password strength: weak \u2014 use at least 12 characters")
    field.fill(WEAK)
    expect(strength).to_contain_text("Password strength: weak \u2014 ")
    # Their own email address is as good as known to an attacker.
    field.fill(user.email)
    expect(strength).to_have_text(
        "Password strength: weak \u2014 avoid your username and email address")
    field.fill(PASSPHRASE)
    expect(strength).to_have_text("Password strength: strong")
    assert axe_violations(page, axe_source) == []
    page.set_viewport_size(PHONE)
    assert axe_violations(page, axe_source) == []
    fits = page.evaluate(OVERFLOW_JS)
    assert fits["width"] <= PHONE["width"] and not fits["problems"] and not fits["undeclared"], fits

    field.fill("")
    expect(strength).to_be_empty()
    # It only informs: the server's rules decide, and a strong password is saved.
    field.fill(PASSPHRASE)
    page.get_by_label("New password confirmation").fill(PASSPHRASE)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", name="Your password is saved")).to_be_visible()


def test_changing_a_password_shows_its_strength_under_the_policy_and_not_on_the_dashboard(
        live_server, strict_page, axe_source, tenants):  # noqa: F811
    page = strict_page
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, live_server.url, "a_admin")
    assert page.url == f"{live_server.url}/partnerships/rotherham/"
    page.wait_for_selector(".cdp-chart--drawn .main-svg")
    assert page.locator(METER_SCRIPTS).count() == 0
    assert [url for url in requested if "zxcvbn" in url or "password-strength" in url] == []

    page.goto(f"{live_server.url}/account/password/")
    assert page.locator(METER_SCRIPTS).count() == 4
    field = page.get_by_label("New password", exact=True)
    strength = page.locator("#id_password1-strength")
    field.fill(WEAK)
    expect(strength).to_contain_text("Password strength: weak")
    field.fill(PASSPHRASE)
    expect(strength).to_have_text("Password strength: strong")
    assert page.evaluate("window.__cspViolations") == []


def test_without_javascript_nothing_changes(live_server, browser, tenants):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(emailed_link(live_server.url, tenants.users["a_viewer"]))
    expect(page.get_by_label("New password", exact=True)).to_be_visible()
    assert page.locator(".cdp-password-strength").count() == 0
    context.close()


def test_a_national_administrator_setting_a_password_in_the_admin_sees_its_strength(
        live_server, strict_page, tenants):  # noqa: F811
    page = strict_page
    sign_in(page, live_server.url, "national")
    viewer = tenants.users["a_viewer"]
    page.goto(f"{live_server.url}/admin/auth/user/{viewer.pk}/password/")
    field = page.locator("#id_password1")
    strength = page.locator("#id_password1-strength")
    field.fill(viewer.get_username() + "1234")
    expect(strength).to_have_text(
        "Password strength: weak \u2014 avoid your username and email address")
    field.fill(PASSPHRASE)
    expect(strength).to_have_text("Password strength: strong")
    assert page.evaluate("window.__cspViolations") == []

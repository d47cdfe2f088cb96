"""The base pages in a real browser: no axe violations, no CSP errors, a working skip link."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def collect_console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.mark.parametrize("path", ["/", "/sign-in/", "/accessibility/", "/privacy/", "/nowhere/"])
def test_page_has_no_accessibility_violations(live_server, page, axe_source, path):
    errors = collect_console_errors(page)
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == (404 if path == "/nowhere/" else 200)
    assert page.locator("body.js-enabled.govuk-frontend-supported").count() == 1, (
        "GOV.UK Frontend's JavaScript should have started"
    )
    assert axe_violations(page, axe_source) == []
    # 404's own status is logged by the browser; nothing else may be.
    assert [e for e in errors if "404" not in e] == []


def test_skip_link_is_first_on_the_keyboard(live_server, page):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"


def test_sign_in_form_works_in_the_browser(live_server, page, axe_source):
    get_user_model().objects.create_user("board.member", "board@example.org", PASSWORD)
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("board.member")
    page.get_by_label("Password", exact=True).fill("not the password")
    # ASVS 2.1.12: "Show" shows the password typed, until pressed again ("Hide").
    field = page.locator("#id_password")
    page.get_by_role("button", name="Show password").click()
    expect(field).to_have_attribute("type", "text")
    page.get_by_role("button", name="Hide password").click()
    expect(field).to_have_attribute("type", "password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page, axe_source) == []

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Someone with no partnership yet lands on the chooser, which says what to do.
    page.wait_for_url(f"{live_server.url}/partnerships/")
    expect(page.get_by_text("You are not a member of any partnership yet")).to_be_visible()
    expect(page.get_by_text("Signed in as board.member").first).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()

"""The API tokens page and the API documentation, in Chromium, under the real CSP."""

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_makes_uses_and_revokes_a_token(live_server, page, axe_source, tenants):
    sign_in(page, live_server.url, "a_analyst")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    assert axe_violations(page, axe_source) == []

    page.get_by_role("button", name="Create token").click()  # no name: an error to fix
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    page.get_by_label("Name").fill("R on my laptop")
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("Copy it now: it will not be shown again.")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    key = page.get_by_label("Your new token").input_value()

    # The token reads the API as the analyst, from outside the browser's session.
    context = page.context.browser.new_context()
    answer = context.request.get(f"{live_server.url}/api/v1/partnerships/",
                                 headers={"Authorization": f"Token {key}"})
    assert answer.status == 200
    assert [p["slug"] for p in json.loads(answer.text())["results"]] == ["rotherham"]

    page.get_by_role("button", name=re.compile("Revoke")).click()
    expect(page.get_by_text("Token “R on my laptop” revoked")).to_be_visible()
    expect(page.get_by_text("You have no tokens.")).to_be_visible()
    answer = context.request.get(f"{live_server.url}/api/v1/partnerships/",
                                 headers={"Authorization": f"Token {key}"})
    assert answer.status == 401
    context.close()


def test_the_api_guide_reads_without_a_mouse(live_server, page, axe_source, tenants):
    sign_in(page, live_server.url, "a_analyst")
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.get_by_role("heading", name="CDP Dashboard API", level=1)).to_be_visible()
    assert axe_violations(page, axe_source) == []
    # From the contents to an operation, by keyboard.
    link = page.get_by_role("link", name="GET /api/v1/observations/", exact=True).first
    link.focus()
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", name="GET /api/v1/observations/", exact=True)
    expect(heading).to_be_in_viewport()
    operation = page.get_by_role("region", name="GET /api/v1/observations/", exact=True)
    table = operation.get_by_role("table", name="Parameters")
    expect(table.get_by_role("rowheader", name="period_from")).to_be_visible()
    # The answer's fields open from a details summary.
    summary = operation.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    fields = operation.get_by_role("table", name="Fields")
    expect(fields.get_by_role("rowheader", name="lower_ci")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    page.get_by_role("link", name="API explorer").click()
    expect(page.get_by_text("/api/v1/observations/").first).to_be_visible()


def test_the_api_explorer_draws_under_the_csp(live_server, browser, axe_source, tenants):
    # Without bypassing the CSP: the page must work as served.
    context = browser.new_context()
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/api/v1/docs/explorer/")
    expect(page.get_by_text("CDP Dashboard API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/observations/").first).to_be_visible()
    assert violations == []
    page.get_by_role("link", name="Back to the API guide").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("API")
    assert page.url == f"{live_server.url}/api/v1/docs/"
    context.close()



def test_a_new_token_is_shown_whole_and_copied_by_keyboard(live_server, page, axe_source,
                                                           tenants):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=live_server.url)
    sign_in(page, live_server.url, "a_analyst")
    page.goto(f"{live_server.url}/account/api-tokens/")
    page.get_by_label("Name").fill("Power BI report")
    page.get_by_role("button", name="Create token").click()
    box = page.get_by_label("Your new token")
    key = box.input_value()
    assert len(key) == 64
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        # The whole token shows: it wraps inside its box, nothing scrolls out of sight.
        assert box.evaluate("b => b.scrollWidth <= b.clientWidth && "
                            "b.scrollHeight <= b.clientHeight")
        assert axe_violations(page, axe_source) == []
    copy = page.get_by_role("button", name="Copy token")
    copy.focus()
    page.keyboard.press("Enter")
    status = page.locator("[data-copy-status]")
    expect(status).to_have_text("Copied")
    assert status.get_attribute("aria-live") == "polite"
    assert page.evaluate("navigator.clipboard.readText()") == key
    # The list shows how it starts, and that it has not been used yet.
    page.goto(f"{live_server.url}/account/api-tokens/")
    row = page.get_by_role("row", name=re.compile("Power BI report"))
    expect(row).to_contain_text(key[:15])
    expect(row).to_contain_text("Not yet")


def test_without_javascript_the_copy_button_stays_hidden(live_server, browser, tenants):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, "a_analyst")
    page.goto(f"{live_server.url}/account/api-tokens/")
    page.get_by_label("Name").fill("pandas")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_label("Your new token")).to_be_visible()
    expect(page.get_by_role("button", name="Copy token")).to_have_count(0)
    context.close()

"""Partnership pages in a real browser, as an administrator: axe-clean, forms usable."""

import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, TOTP_SECRET

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, username: str) -> None:
    """Signs in with the password and, for an administrator, the authenticator app's code."""
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if page.url.endswith("/sign-in/second-factor/"):
        give_code(page)


def give_code(page, secret: str = TOTP_SECRET) -> None:
    """Enters the authenticator app's code. A code is taken once only: a second sign-in within
    the same 30 seconds gives the next one, which is also accepted."""
    for offset in (0, 30, -30):
        field = page.get_by_label("Enter the code from your authenticator app")
        field.fill(pyotp.TOTP(secret).at(time.time() + offset))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        if not page.url.endswith("/sign-in/second-factor/"):
            return
    raise AssertionError("the authenticator app's code was refused")


def test_admin_pages_are_accessible_and_adding_a_member_works(
    live_server, page, axe_source, tenants
):
    sign_in(page, live_server.url, "a_admin")
    # One partnership: straight to its dashboard.
    assert page.url == f"{live_server.url}/partnerships/rotherham/"
    expect(page.get_by_role("heading", name="Rotherham CDP")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    page.get_by_role("link", name="About the partnership").click()
    assert axe_violations(page, axe_source) == []

    page.get_by_role("link", name="Manage members").click()
    expect(page.get_by_role("heading", name="Members and roles")).to_be_visible()
    assert axe_violations(page, axe_source) == []

    page.get_by_role("link", name="Add a member").click()
    page.get_by_role("button", name="Add member").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page, axe_source) == []

    page.get_by_label("Email address").fill("new.analyst@example.org")
    page.get_by_label("Analyst (loads data)").check()
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text("new.analyst@example.org added as analyst")).to_be_visible()
    expect(page.get_by_role("cell", name="new.analyst@example.org")).to_be_visible()


def test_chooser_for_a_regional_viewer(live_server, page, axe_source, tenants):
    from partnerships import services
    from partnerships.models import Region

    services.partnership_create(
        name="York CDP", slug="york", region=Region.objects.get(code="E12000003"),
        local_authority_codes=["E06000014"],
    )
    sign_in(page, live_server.url, "regional")
    assert page.url == f"{live_server.url}/partnerships/"
    links = page.locator("main a.govuk-link").all_inner_texts()
    assert links == ["Rotherham CDP", "York CDP",
                     "Compare every area of England on the national metrics"]
    assert axe_violations(page, axe_source) == []
    from tests.outcomes.reference_figures import make_reference

    make_reference(["numbers_in_treatment"], [2022])
    page.get_by_role("link", name="Compare every area of England on the national metrics").click()
    expect(page.get_by_role("heading", name="Compare areas")).to_be_visible()
    # The grid's column heading links to the metric at its period; the list to its latest.
    page.get_by_role("link", name="The numbers in treatment for adults and young people"
                     ).last.click()
    expect(page.get_by_text("3 areas; 2 compared with England (1 higher, 1 lower)")).to_be_visible()
    page.wait_for_selector(".cdp-chart--drawn .main-svg")
    assert axe_violations(page, axe_source) == []


def test_an_administrator_keeps_the_key_documents_register(live_server, page, axe_source,
                                                           tenants):
    """Adds a document (an http link refused with a clear error), changes it, and a board
    member reads the register. axe finds nothing at a laptop's and a phone's width."""
    sign_in(page, live_server.url, "a_admin")
    page.get_by_role("link", name="Key documents").click()
    expect(page.get_by_role("heading", name="Key documents")).to_be_visible()
    page.get_by_role("link", name="Add a document").click()
    page.get_by_label("Title").fill("Drug market profile 2024")
    page.get_by_label("Type of document").select_option(label="Drug market profile")
    page.get_by_label("In progress").check()
    page.get_by_label("Link").fill("http://www.rotherham.gov.uk/profile.pdf")
    page.get_by_role("button", name="Add the document").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a link that starts with https://")
    for size in ({"width": 1366, "height": 768}, {"width": 390, "height": 844}):
        page.set_viewport_size(size)
        assert axe_violations(page, axe_source) == [], size
    page.get_by_label("Link").fill("https://www.rotherham.gov.uk/profile.pdf")
    page.get_by_role("button", name="Add the document").click()
    expect(page.get_by_text("Added to the register: Drug market profile 2024.")).to_be_visible()
    for size in ({"width": 1366, "height": 768}, {"width": 390, "height": 844}):
        page.set_viewport_size(size)
        assert axe_violations(page, axe_source) == [], size

    page.get_by_role("link", name="Change Drug market profile 2024").click()
    page.get_by_label("Completed").check()
    page.get_by_role("button", name="Save the document").click()
    expect(page.get_by_text("Saved: Drug market profile 2024.")).to_be_visible()
    page.get_by_role("link", name="Change Drug market profile 2024").click()
    expect(page.get_by_text("Status: In progress → Completed")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    page.get_by_role("link", name="Back to the key documents").click()
    page.get_by_role("link", name="Remove Needs assessment").click()
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Remove the document").click()
    expect(page.get_by_text("Removed from the register: Needs assessment.")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server.url, "a_viewer")
    page.goto(f"{live_server.url}/partnerships/rotherham/documents/")
    expect(page.get_by_role("cell", name="Drug market profile 2024", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Add a document")).to_have_count(0)
    for size in ({"width": 1366, "height": 768}, {"width": 390, "height": 844}):
        page.set_viewport_size(size)
        assert axe_violations(page, axe_source) == [], size

"""Every HTML page of the isolation walk (tests/test_isolation.py) at a phone's 390 px: none is
wider than the viewport, and nothing sticks out of it except inside a declared scroll region
(a focusable, named region: `<div class="cdp-table-scroll" role="region" tabindex="0"
aria-labelledby=...>`). The Django admin, the Swagger explorer and the API's JSON routes are
left out.

Each page is read once, as the role that sees most of it (an administrator sees every button
a lead or a viewer sees, and more), with one browser page, each role signed in once."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.test_isolation import EXPECTATIONS

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Who reads each page: the first of these for whom the walk expects a 200.
ROLE_ORDER = ["admin", "superuser", "lead", "analyst", "viewer", "regional", "outsider",
              "anonymous"]
USERNAMES = {"admin": "a_admin", "lead": "a_lead", "analyst": "a_analyst",
             "viewer": "a_viewer", "superuser": "national", "regional": "regional",
             "outsider": "outsider"}
# Swagger UI's own page, and the API's routes (JSON; in a browser, the REST framework's own
# browsable pages); /admin/ is not in EXPECTATIONS. The API's guide (api:docs) is walked.
LEFT_OUT = {"api:explorer"}


def left_out(name: str) -> bool:
    return name in LEFT_OUT or (name.startswith("api:") and name != "api:docs")
# What sticks out: the outermost element outside the viewport that is not inside a scroll
# region or clipped; and every region that scrolls sideways without saying it does.
OVERFLOW_JS = (Path(__file__).parent / "overflow.js").read_text()


def pages_by_role(tenants) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, expectation in sorted(EXPECTATIONS.items()):
        if left_out(name):
            continue
        role = next((r for r in ROLE_ORDER if expectation.get[r] == 200), None)
        if role is None:
            continue
        kwargs = expectation.kwargs(tenants, "a") if expectation.kwargs else None
        found.setdefault(role, []).append(reverse(name, kwargs=kwargs))
    return found


def test_no_page_is_wider_than_a_phone(live_server, page, tenants):
    page.set_viewport_size(PHONE)
    walked, wide = [], {}
    for role, paths in pages_by_role(tenants).items():
        page.context.clear_cookies()
        if role != "anonymous":
            sign_in(page, live_server.url, USERNAMES[role])
        for path in paths:
            try:
                response = page.goto(f"{live_server.url}{path}")
            except PlaywrightError as error:  # a file to download (CSV, PDF, Excel)
                if "Download is starting" in str(error):
                    continue
                raise
            if "text/html" not in response.headers.get("content-type", ""):
                continue  # JSON
            walked.append(path)
            result = page.evaluate(OVERFLOW_JS)
            if result["width"] > PHONE["width"] or result["problems"] or result["undeclared"]:
                wide[f"{role} {path}"] = result
    assert not wide, "\n".join(f"{page}: {result}" for page, result in wide.items())
    # The walk reached the pages it is for (a guard against a walk that finds nothing).
    assert len(walked) > 40 and "/partnerships/rotherham/plan/" in walked


# --- Pages whose rows are cards on a phone: what each row says is on screen, not off to the
# right in a table that scrolls sideways. -------------------------------------------------
LAPTOP = {"width": 1366, "height": 768}


def assert_on_screen(locator) -> None:
    """Every element `locator` finds lies wholly within the phone's width, and is seen once
    scrolled to (down the page, never sideways)."""
    assert locator.count() > 0
    for n in range(locator.count()):
        element = locator.nth(n)
        element.scroll_into_view_if_needed()
        box = element.bounding_box()
        assert box is not None and box["width"] > 0, element
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            element.text_content(), box)
        expect(element).to_be_in_viewport(ratio=1)


def axe_clean_then_phone(page, url: str, axe_source) -> None:
    """Opens `url` at a phone's and a laptop's size (axe finds nothing at either), and
    leaves it at the phone's, no wider than the screen and with no sideways-scrolling
    table."""
    for size in (PHONE, LAPTOP):
        page.set_viewport_size(size)
        page.goto(url)
        assert axe_violations(page, axe_source) == [], size
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator(".cdp-table-scroll").count() == 0


def test_my_milestones_on_a_phone_show_due_date_status_and_reason(live_server, page,
                                                                  axe_source, tenants):
    sign_in(page, live_server.url, "a_lead")
    axe_clean_then_phone(page, f"{live_server.url}/my-milestones/", axe_source)
    assert_on_screen(page.locator(".cdp-milestones__due"))
    assert_on_screen(page.locator(".cdp-milestones__status .govuk-tag"))
    assert_on_screen(page.locator(".cdp-overdue-reason"))
    expect(page.locator(".cdp-milestones__due").first).to_contain_text("Due 31 Mar 2023")
    expect(page.locator(".cdp-overdue-reason").first).to_contain_text("was due 31 March 2023")


def test_members_on_a_phone_show_role_and_actions(live_server, page, axe_source, tenants):
    sign_in(page, live_server.url, "a_admin")
    axe_clean_then_phone(page, f"{live_server.url}/partnerships/rotherham/members/", axe_source)
    assert_on_screen(page.locator(".cdp-members__role"))
    assert_on_screen(page.get_by_role("link", name=re.compile("^Change role of")))
    assert_on_screen(page.get_by_role("link", name=re.compile("^Remove ")))
    assert_on_screen(page.get_by_role("button", name=re.compile("^Resend invitation")))
    expect(page.locator(".cdp-members__role").first).to_contain_text("Role:")


def test_key_documents_on_a_phone_show_status_link_and_actions(live_server, page, axe_source,
                                                               tenants):
    from partnerships.models import KeyDocument

    KeyDocument.objects.filter(partnership=tenants.a).update(
        link="https://www.rotherham.gov.uk/a-very-long-address/needs-assessment-2023.pdf")
    sign_in(page, live_server.url, "a_admin")
    axe_clean_then_phone(page, f"{live_server.url}/partnerships/rotherham/documents/",
                         axe_source)
    assert_on_screen(page.locator(".cdp-documents .govuk-tag"))
    assert_on_screen(page.locator(".cdp-documents__link a"))
    expect(page.locator(".cdp-documents__link")).to_contain_text("www.rotherham.gov.uk")
    assert_on_screen(page.get_by_role("link", name="Change Needs assessment"))
    assert_on_screen(page.get_by_role("link", name="Remove Needs assessment"))

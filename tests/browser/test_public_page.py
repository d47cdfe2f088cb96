"""The public page signed out, and its settings page as the partnership's administrator, in
a real browser: axe-clean, charts drawn, the form usable without typing a thing."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published(tenants):
    from cdp.public.services import public_page_save

    cache.clear()
    public_page_save(partnership=tenants.a, user=tenants.users["a_admin"], published=True,
                     show_members=True, show_plan=True, show_documents=True, show_metrics=True,
                     documents=tenants.a.key_documents.all(),
                     milestones=[tenants.milestones["a"]], risks=[tenants.risks["a"]])
    return tenants


def test_the_public_page_signed_out_is_accessible_with_its_charts(live_server, page,
                                                                  axe_source, published):
    response = page.goto(f"{live_server.url}/p/rotherham/")
    assert response.status == 200
    assert "public" in response.headers["cache-control"]
    expect(page.get_by_role("heading", name="Rotherham CDP", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Who is in the partnership")).to_be_visible()
    expect(page.get_by_text("Pathway agreed with probation")).to_be_visible()  # marked
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)
    page.wait_for_selector(".cdp-chart--drawn .main-svg")
    assert page.locator(".cdp-chart--drawn").count() == page.locator(".cdp-chart").count()
    assert axe_violations(page, axe_source) == []


def test_the_admin_chooses_what_is_published_and_previews_it(live_server, page, axe_source,
                                                             published):
    sign_in(page, live_server.url, "a_admin")
    page.get_by_role("link", name="Public page").click()
    expect(page.get_by_role("heading", name="Public page")).to_be_visible()
    assert axe_violations(page, axe_source) == []

    page.get_by_label("Published documents").uncheck()
    page.get_by_label("County lines exploitation").uncheck()
    page.get_by_role("button", name="Save what is published").click()
    expect(page.get_by_text("The public page is published at /p/rotherham/. It shows members "
                            "and named roles, plan progress, headline metrics; marked public "
                            "one by one: 1 milestone.")).to_be_visible()
    assert axe_violations(page, axe_source) == []

    page.get_by_role("link", name="Preview the page").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    expect(page.get_by_role("heading", name="Published documents")).to_have_count(0)
    expect(page.get_by_text("County lines exploitation")).to_have_count(0)
    assert axe_violations(page, axe_source) == []


def test_the_public_page_keeps_to_the_content_security_policy(live_server, browser, published):
    from .test_content_security_policy import RECORD_VIOLATIONS

    context = browser.new_context()  # no bypass_csp: the app's own policy applies
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/p/rotherham/")
        assert page.locator("body.govuk-frontend-supported").count() == 1
        page.wait_for_selector(".cdp-chart--drawn .main-svg")
        assert page.evaluate("window.__cspViolations") == []
    finally:
        context.close()


def test_select_all_ticks_every_milestone_by_keyboard(live_server, page, axe_source,
                                                      published, tenants):
    from actionplans.models import Milestone

    milestone = Milestone.objects.filter(partnership=tenants.a).first()
    for i in range(3):
        milestone.pk, milestone.id, milestone.title = None, None, f"Milestone copy {i}"
        milestone.save()
    sign_in(page, live_server.url, "a_admin")
    page.goto(f"{live_server.url}/partnerships/rotherham/public-page/")
    group = page.get_by_role("group", name="Milestones whose text and progress notes may be read")
    toggle = group.get_by_label("Select all 4 milestones")  # moved into the list's fieldset
    expect(toggle).to_be_visible()
    toggle.focus()
    page.keyboard.press("Space")
    boxes = group.locator('input[name="milestones"]')
    assert boxes.count() == 4
    assert all(boxes.nth(i).is_checked() for i in range(4))
    boxes.nth(2).uncheck()
    expect(toggle).not_to_be_checked()
    boxes.nth(2).check()
    expect(toggle).to_be_checked()
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Save what is published").click()
    expect(page.get_by_text(re.compile("marked public one by one: 4 milestones"))
           ).to_be_visible()

"""An analyst uploads a file in a real browser: every step accessible, rejects explained."""

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_preview_and_apply(live_server, page, axe_source, tenants, tmp_path):
    figures = tmp_path / "figures.csv"
    figures.write_text("metric,area_code,period,value\n"
                       "continuity_of_care,E08000018,2022/23,41.5\n"
                       "continuity_of_care,E08000019,2022/23,50\n")
    sign_in(page, live_server.url, "a_analyst")
    page.get_by_role("link", name="Data imports").click()
    assert axe_violations(page, axe_source) == []
    page.get_by_role("link", name="Upload a file").click()
    assert axe_violations(page, axe_source) == []

    page.get_by_label("Upload a file").set_input_files(str(figures))
    page.get_by_label("A table of our own (tidy CSV or XLSX)").check()
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="What this import would do")).to_be_visible()
    expect(page.get_by_text("area E08000019 is not in Rotherham CDP")).to_be_visible()
    assert axe_violations(page, axe_source) == []

    page.get_by_role("button", name="Import 1 value").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    page.get_by_label("Import only the valid rows and leave out the 1 rejected").check()
    page.get_by_role("button", name="Import 1 value").click()
    expect(page.get_by_text("Imported: 1 new, 0 changed, 0 unchanged.")).to_be_visible()
    expect(page.get_by_role("button", name="Roll back this import")).to_be_visible()
    assert axe_violations(page, axe_source) == []

    # Rolling back asks first, on a page of its own; going back leaves the import as it is.
    page.get_by_role("button", name="Roll back this import").click()
    expect(page.get_by_role("heading", name="Are you sure you want to roll back this import?")
           ).to_be_visible()
    assert axe_violations(page, axe_source) == []
    page.get_by_role("link", name="No, keep it").click()
    expect(page.get_by_role("button", name="Roll back this import")).to_be_visible()
    page.get_by_role("button", name="Roll back this import").click()
    page.get_by_role("button", name="Yes, roll back this import").click()
    expect(page.get_by_text("Rolled back: 1 rows removed and 0 restored.")).to_be_visible()


def test_enter_a_value_page(live_server, page, axe_source, tenants):
    sign_in(page, live_server.url, "a_admin")
    page.goto(f"{live_server.url}/partnerships/rotherham/data/values/new/")
    page.get_by_role("button", name="Save the value").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page, axe_source) == []


def test_framework_pages(live_server, page, axe_source, tenants):
    sign_in(page, live_server.url, "a_analyst")
    page.goto(f"{live_server.url}/partnerships/rotherham/data/framework/")
    expect(page.get_by_role("heading", name="Outcomes framework and targets")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    for link, button in [("Add a target", "Add the target"),
                         ("Create a local metric", "Create the metric")]:
        page.goto(f"{live_server.url}/partnerships/rotherham/data/framework/")
        page.get_by_role("link", name=link).click()
        page.get_by_role("button", name=button).click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        assert axe_violations(page, axe_source) == []

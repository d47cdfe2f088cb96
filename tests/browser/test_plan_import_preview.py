"""A lead uploads an edited plan and reads, row by row, what importing it would change: each
field's value now and after. axe at a laptop's and a phone's size."""

import pytest
from playwright.sync_api import expect

from actionplans import selectors, spreadsheet

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [{"width": 1366, "height": 768}, {"width": 390, "height": 844}]


def test_the_import_preview_shows_each_changed_field(live_server, page, axe_source, tenants,
                                                     tmp_path):
    rows = selectors.plan_rows(partnership=tenants.a, user=tenants.users["a_viewer"])
    text = spreadsheet.write_csv(rows).decode("utf-8-sig")
    [header, row] = text.splitlines()
    edited = row.replace("On track", "Complete").replace("2023-03-31", "2023-06-30")
    new = "," + row.split(",", 1)[1].rsplit(",", 1)[0].replace(
        "Prison leavers seen within 3 weeks", "Prison leavers met at the gate") + ","
    plan = tmp_path / "plan.csv"
    plan.write_text("\n".join([header, edited, new]) + "\n")

    sign_in(page, live_server.url, "a_lead")
    page.goto(f"{live_server.url}/partnerships/rotherham/plan/import/")
    page.get_by_label("Upload the plan").set_input_files(str(plan))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Milestones that will change (1)")).to_be_visible()
    change = page.get_by_role("table", name="Row 2: Prison leavers seen within 3 weeks")
    status = change.get_by_role("row", name="Status")
    expect(status.get_by_role("cell").nth(0)).to_have_text("On track")
    expect(status.get_by_role("cell").nth(1)).to_have_text("Complete")
    due = change.get_by_role("row", name="Due date")
    expect(due.get_by_role("cell").nth(0)).to_have_text("31 March 2023")
    expect(due.get_by_role("cell").nth(1)).to_have_text("30 June 2023")
    expect(page.get_by_role("heading", name="New milestones (1)")).to_be_visible()
    expect(page.get_by_role("table", name="Row 3: Prison leavers met at the gate")).to_be_visible()
    for size in SIZES:
        page.set_viewport_size(size)
        assert axe_violations(page, axe_source) == [], size

    page.get_by_role("button", name="Import the plan").click()
    imported = "Imported: 1 milestones added, 1 changed, 0 unchanged."
    expect(page.get_by_text(imported)).to_be_visible()

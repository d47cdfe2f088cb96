"""A lead updates an overdue milestone in a real browser; a viewer cannot. axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from actionplans.models import Milestone

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_finds_an_overdue_milestone_and_records_progress(
    live_server, page, axe_source, tenants
):
    milestone = tenants.milestones["a"]
    sign_in(page, live_server.url, "a_lead")
    page.get_by_role("link", name="Action plan").click()
    expect(page.get_by_role("heading", name="Rotherham CDP action plan")).to_be_visible()
    assert axe_violations(page, axe_source) == []

    page.get_by_text("Filter the milestones").click()
    page.get_by_role("group", name="Status").get_by_label("Overdue", exact=True).check()
    page.get_by_role("button", name="Apply the filters").click()
    expect(page.get_by_text("1 milestone match the filters")).to_be_visible()
    expect(page.get_by_text("Overdue", exact=True).first).to_be_visible()
    assert axe_violations(page, axe_source) == []

    page.get_by_role("link", name="Prison leavers seen within 3 weeks").click()
    assert axe_violations(page, axe_source) == []
    page.get_by_role("link", name="Update progress").click()
    assert axe_violations(page, axe_source) == []
    page.get_by_label("Complete").check()
    page.get_by_label("What has happened since the last update").fill(
        "All prison leavers offered an appointment")
    page.get_by_role("button", name="Add the update").click()

    expect(page.get_by_text("Milestone saved.")).to_be_visible()
    history = page.locator("table").last
    expect(history.get_by_text("A Lead").first).to_be_visible()
    expect(history.get_by_text(re.compile("from “On track” to “Complete”"))).to_be_visible()
    assert axe_violations(page, axe_source) == []

    page.get_by_role("link", name="Action plan").click()
    row = page.get_by_role("row", name=re.compile("Prison leavers seen within 3 weeks"))
    expect(row.get_by_text("Complete")).to_be_visible()
    expect(row.get_by_text("All prison leavers offered an appointment")).to_be_visible()
    assert row.get_by_text("Overdue").count() == 0
    assert Milestone.objects.get(pk=milestone.pk).status == "complete"


def test_a_second_editor_sees_both_versions(live_server, page, browser, axe_source, tenants):
    milestone = tenants.milestones["a"]
    url = f"{live_server.url}/partnerships/rotherham/plan/milestones/{milestone.pk}/progress/"
    sign_in(page, live_server.url, "a_lead")
    page.goto(url)
    other = browser.new_context(bypass_csp=True).new_page()
    sign_in(other, live_server.url, "a_admin")
    other.goto(url)
    other.get_by_label("Off track").check()
    other.get_by_role("button", name="Add the update").click()
    expect(other.get_by_text("Milestone saved.")).to_be_visible()

    page.get_by_label("What has happened since the last update").fill(
        "My update, written at the same time")
    page.get_by_role("button", name="Add the update").click()
    refused = "A Admin saved this milestone while you were editing it"
    expect(page.get_by_text(refused)).to_be_visible()
    assert page.get_by_label("What has happened since the last update").input_value() == (
        "My update, written at the same time")
    assert axe_violations(page, axe_source) == []
    assert Milestone.objects.get(pk=milestone.pk).status == "off_track"
    other.context.close()


def test_a_viewer_sees_no_edit_controls_and_a_crafted_post_is_refused(
    live_server, page, axe_source, tenants
):
    milestone = tenants.milestones["a"]
    sign_in(page, live_server.url, "a_viewer")
    for path in ("plan/", f"plan/milestones/{milestone.pk}/", "plan/risks/",
                 "plan/report/?year=1"):
        page.goto(f"{live_server.url}/partnerships/rotherham/{path}")
        assert page.get_by_role("link", name="Update progress").count() == 0
        assert page.get_by_role("link", name="Add a milestone").count() == 0
        assert page.get_by_role("link", name="Add a risk").count() == 0
        assert axe_violations(page, axe_source) == []
    token = page.context.cookies()
    csrf = next(c["value"] for c in token if c["name"] == "csrftoken")
    response = page.request.post(
        f"{live_server.url}/partnerships/rotherham/plan/milestones/{milestone.pk}/progress/",
        form={"csrfmiddlewaretoken": csrf, "version": str(milestone.version),
              "status": "complete"},
        headers={"Referer": live_server.url + "/"})
    assert response.status == 403
    assert Milestone.objects.get(pk=milestone.pk).status == "on_track"


@pytest.mark.parametrize("path", [
    "plan/details/", "plan/objectives/new/", "plan/actions/new/", "plan/milestones/new/",
    "plan/risks/new/", "plan/asks/new/", "plan/import/",
])
def test_the_plan_forms_show_their_errors_accessibly(live_server, page, axe_source, tenants,
                                                       path):
    sign_in(page, live_server.url, "a_lead")
    page.goto(f"{live_server.url}/partnerships/rotherham/{path}")
    assert axe_violations(page, axe_source) == []
    page.locator("main form .govuk-button").last.click()
    if path != "plan/details/":  # the plan's own form starts filled in
        expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page, axe_source) == []


def test_importing_a_plan_in_the_browser(live_server, page, axe_source, tenants, tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("Priority,Strand,Objective,Key action,Milestone,Plan year,Status\n"
                    "Demand,Prevent,Whole family approach,Family hubs,Early help team,1,"
                    "Complete\n"
                    "Demand,Prevent,Whole family approach,Family hubs,Schools survey,9,"
                    "On track\n")
    sign_in(page, live_server.url, "a_lead")
    page.goto(f"{live_server.url}/partnerships/rotherham/plan/import/")
    page.get_by_label("Upload the plan").set_input_files(str(plan))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="What importing this file would do")).to_be_visible()
    expect(page.get_by_text("The plan has 3 years (2022/23 to 2024/25)")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Import the plan").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    page.get_by_label("Import the valid rows and leave out the 1 rejected").check()
    page.get_by_role("button", name="Import the plan").click()
    imported = "Imported: 1 milestones added, 0 changed, 0 unchanged."
    expect(page.get_by_text(imported)).to_be_visible()
    expect(page.get_by_role("link", name="Early help team")).to_be_visible()


def test_on_a_phone_the_plan_is_a_list_of_milestones(live_server, page, axe_source, tenants):
    """At 390 px each milestone is a card across the column (its name is not squeezed into
    a column of one or two words a line), each cell saying what it is; at a laptop's width
    it is a table with its column headers. axe finds nothing at either size."""
    from actionplans import services

    milestone = tenants.milestones["a"]
    services.milestone_create(
        key_action=milestone.key_action, user=tenants.users["a_lead"],
        title="Every prison leaver with a drug or alcohol need is offered a treatment "
              "appointment within three weeks of release, and a naloxone kit on release",
        plan_year=2, status="at_risk")
    sign_in(page, live_server.url, "a_viewer")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/partnerships/rotherham/plan/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    titles = page.locator(".cdp-milestones__title")
    assert titles.count() == 2
    column = page.locator("main").evaluate("(m) => m.getBoundingClientRect().width")
    for box in [titles.nth(n).bounding_box() for n in range(2)]:
        assert box["width"] >= column - 40
    assert page.locator(".cdp-milestones thead").first.bounding_box()["height"] <= 1
    expect(page.get_by_text("Latest progress:").first).to_be_visible()
    expect(page.locator(".cdp-milestones__due").first).to_contain_text("Due")
    # Still a table for a screen reader: its rows and column headers.
    expect(page.get_by_role("row", name=re.compile("Prison leavers seen"))).to_have_count(1)
    expect(page.get_by_role("columnheader", name="Latest progress").first).to_be_attached()
    assert axe_violations(page, axe_source) == []

    page.set_viewport_size({"width": 1366, "height": 768})
    expect(page.get_by_role("columnheader", name="Milestone").first).to_be_visible()
    assert page.get_by_text("Latest progress:").first.is_hidden()
    assert axe_violations(page, axe_source) == []

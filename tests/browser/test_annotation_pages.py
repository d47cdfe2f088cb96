"""Notes on a metric (annotations) in a real browser: a lead adds one through the form, sees
it on the chart, in the table beside it and in its summary, changes and deletes it; every
page axe-clean."""

import pytest
from playwright.sync_api import expect

from outcomes.models import Annotation, Metric

from .conftest import axe_violations
from .test_dashboard_pages import assert_fits_the_viewport, assert_no_text_overlaps_in_charts
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

METRIC = "The numbers in treatment for adults and young people"
NOTE = "Outreach van starts in Rotherham town centre"


def test_a_lead_adds_a_note_and_sees_it_on_the_chart_and_in_the_table(
        live_server, page, axe_source, tenants, tmp_path):
    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)
    sign_in(page, live_server.url, "a_lead")
    page.goto(f"{live_server.url}/partnerships/rotherham/metrics/{metric.pk}/")
    expect(page.get_by_role("heading", name="Notes on this metric")).to_be_visible()
    page.wait_for_selector(".cdp-chart--drawn .main-svg")
    assert axe_violations(page, axe_source) == []

    page.get_by_role("link", name="Add a note").click()
    expect(page.get_by_role("heading", name="Add a note", level=1)).to_be_visible()
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Add the note").click()  # nothing filled in
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the date the note refers to")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter the note")).to_be_visible()
    assert axe_violations(page, axe_source) == []

    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("10")
    page.get_by_label("Year").fill("2022")
    page.get_by_label("Note").fill(NOTE)
    # GOV.UK's character count, with JavaScript: it says how many are left as one types.
    expect(page.get_by_text(f"You have {200 - len(NOTE)} characters remaining").first
           ).to_be_visible()
    page.get_by_role("button", name="Add the note").click()

    expect(page.get_by_text(f"Note added: 1 October 2022: {NOTE}.")).to_be_visible()
    assert page.url.endswith(f"/metrics/{metric.pk}/#annotations")
    page.wait_for_selector(".cdp-chart--drawn .main-svg")
    chart = page.locator(".cdp-chart--drawn").first
    # On the chart: each note's number above its dotted line; its words in the numbered list
    # under the chart, as in the summary and the table.
    expect(chart.locator(".annotation-text").filter(has_text="1")).to_have_count(1)
    expect(chart.locator(".annotation-text").filter(has_text="2")).to_have_count(1)
    notes = page.get_by_role("list", name="Notes marked on the chart").first
    expect(notes.get_by_role("listitem")).to_have_text([
        f"1 October 2022: {NOTE}",
        "1 April 2023: New treatment provider from 1 April (Rotherham CDP)"])
    assert chart.locator("path[style*='stroke-dasharray']").count() >= 2
    figure = page.locator("figure").filter(has=chart)
    expect(figure.locator("figcaption")).to_contain_text(
        f"2 notes marked on the chart: 1. 1 October 2022: {NOTE}; 2. 1 April 2023: New "
        "treatment provider from 1 April (Rotherham CDP).")
    table = page.get_by_role("table", name="The figures in the chart")
    expect(table.get_by_role("row", name="2022/23")).to_contain_text(
        f"1. 1 October 2022: {NOTE}")
    expect(table.get_by_role("row", name="1 April 2023 (no figures)")).to_contain_text(
        "2. 1 April 2023: New treatment provider from 1 April (Rotherham CDP)")
    page.screenshot(path=tmp_path / "metric-with-notes.png", full_page=True)
    assert_fits_the_viewport(page)
    assert_no_text_overlaps_in_charts(page)
    assert axe_violations(page, axe_source) == []

    page.get_by_role("link", name="Change note 1").click()
    expect(page.get_by_role("heading", name="Change a note", level=1)).to_be_visible()
    expect(page.get_by_label("Note")).to_have_value(NOTE)
    assert axe_violations(page, axe_source) == []
    page.get_by_label("Note").fill("Outreach van starts")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("Note changed: 1 October 2022: Outreach van starts.")).to_be_visible()

    page.get_by_role("link", name="Delete note 1").click()
    expect(page.get_by_role("heading", name="Delete this note?")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Delete the note").click()
    expect(page.get_by_text("Note deleted: 1 October 2022: Outreach van starts.")).to_be_visible()
    assert list(Annotation.objects.filter(partnership=tenants.a).values_list("text", flat=True)
                ) == ["New treatment provider from 1 April (Rotherham CDP)"]


def test_without_javascript_a_note_is_added_and_read(live_server, browser, tenants):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)
    sign_in(page, live_server.url, "a_analyst")
    page.goto(f"{live_server.url}/partnerships/rotherham/metrics/{metric.pk}/annotations/new/")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("10")
    page.get_by_label("Year").fill("2022")
    page.get_by_label("Note").fill(NOTE)
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_role("heading", name=METRIC, level=1)).to_be_visible()
    table = page.get_by_role("table", name="The figures in the chart")
    expect(table.get_by_role("row", name="2022/23")).to_contain_text(NOTE)
    expect(page.locator("figcaption").first).to_contain_text(f"1. 1 October 2022: {NOTE}")
    context.close()

"""Every page reads a milestone's status the same way: the dashboard, the plan, the annual
report, the board pack, the weekly email and the API agree on each milestone's derived
status, overdue "On track" ones included; and when the clock passes a due date they all
change together, with no edit and no recompute. A board pack agrees as of the day it was
made."""

import csv
import io
from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from actionplans import progress, services
from actionplans import selectors as plan_selectors
from actionplans.models import ActionPlan, KeyAction, Milestone
from cdp.board_packs.selectors import board_pack_content

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)


def plan(tenants) -> None:
    """Rotherham's plan runs 2022/23 to 2026/27, its lead leads every key action."""
    ActionPlan.objects.filter(pk=tenants.plans["a"].pk).update(years=5)
    lead = tenants.users["a_lead"]
    action = KeyAction.objects.get(partnership=tenants.a)
    for title, due, year, status in (
            ("Due today, on track", TODAY, None, "on_track"),
            ("Due yesterday, on track", TODAY - timedelta(days=1), None, "on_track"),
            ("Year 2, on track", None, 2, "on_track"),
            ("Year 4, at risk", None, 4, "at_risk"),  # year 4 ended 31 March 2026
            ("Done long ago", date(2023, 6, 30), None, "complete"),
            ("Closed long ago", date(2023, 6, 30), None, "closed"),
            ("Later, off track", date(2027, 2, 1), None, "off_track"),
            ("Later, not started", None, 5, "not_started")):
        services.milestone_create(key_action=action, user=lead, title=title, due_date=due,
                                  plan_year=year, status=status)


def expected(tenants, today) -> dict[str, str]:
    """The rule, in Python, milestone by milestone."""
    first_year = tenants.plans["a"].first_year
    return {m.title: progress.derived_status(
        m.status, progress.due_by(m.due_date, m.plan_year, first_year), today)
        for m in Milestone.objects.filter(partnership=tenants.a)}


def counts(statuses: dict[str, str]) -> dict[str, int]:
    return {key: sum(1 for s in statuses.values() if s == key)
            for key, _ in progress.DERIVED_STATUSES}


def surfaces(client, tenants, today) -> dict[str, dict]:
    """What each surface says: derived status by title, or counts by derived status."""
    viewer, lead = tenants.users["a_viewer"], tenants.users["a_lead"]
    client.force_login(viewer)
    seen: dict[str, dict] = {}
    dashboard = client.get("/partnerships/rotherham/").context
    seen["dashboard attention"] = {m.title: m.derived_status for m in dashboard["attention"]}
    seen["dashboard counts"] = total_counts(dashboard["progress"]["priority"])
    page = client.get("/partnerships/rotherham/plan/").context
    seen["plan counts"] = {value: n for value, _, n in page["counts"]}
    seen["report"] = {}
    for year in range(1, 6):
        report = client.get(f"/partnerships/rotherham/plan/report/?year={year}").context
        seen["report"] |= {m.title: m.derived_status for m in report["report"]["milestones"]}
    pack = board_pack_content(partnership=tenants.a, user=viewer, today=today)
    seen["board pack attention"] = {m.title: m.derived_status for m in pack["attention"]}
    seen["board pack counts"] = total_counts(
        next(c["rows"] for c in pack["progress_charts"] if c["axis"] == "priority"))
    digest = plan_selectors.digest_for(partnership=tenants.a, lead=lead, today=today)
    seen["email"] = {item.title: item.derived_status for item in digest.items}
    api = APIClient()
    api.force_authenticate(viewer)
    rows = api.get("/api/v1/milestones/?partnership=rotherham&page_size=100").json()["results"]
    seen["api"] = {row["title"]: row["derived_status"] for row in rows}
    seen["api recorded"] = {row["title"]: row["status"] for row in rows}
    streamed = api.get("/api/v1/milestones/?partnership=rotherham&format=csv")
    table = list(csv.DictReader(io.StringIO(
        b"".join(streamed.streaming_content).decode("utf-8-sig"))))
    seen["api csv"] = {row["title"]: row["derived_status"] for row in table}
    return seen


def total_counts(rows) -> dict[str, int]:
    return {key: sum(row[key] for row in rows) for key, _ in progress.DERIVED_STATUSES}


def assert_all_agree(client, tenants, today) -> dict[str, str]:
    truth = expected(tenants, today)
    seen = surfaces(client, tenants, today)
    assert seen["report"] == truth
    assert seen["api"] == seen["api csv"] == truth
    assert seen["api recorded"] == {m.title: m.status  # `status` stays as recorded
                                    for m in Milestone.objects.filter(partnership=tenants.a)}
    assert seen["dashboard counts"] == seen["plan counts"] == seen["board pack counts"] \
        == counts(truth)
    needing = {t: s for t, s in truth.items() if s in ("overdue", "at_risk", "off_track")}
    assert seen["dashboard attention"] == seen["board pack attention"] == needing
    # The email lists a lead's unfinished milestones it has something to say about: each
    # with the same derived status, and every overdue one.
    assert all(truth[title] == status for title, status in seen["email"].items())
    assert {t for t, s in seen["email"].items() if s == "overdue"} == {
        t for t, s in truth.items() if s == "overdue"}
    return truth


def test_every_surface_agrees_and_moves_on_with_the_clock(client, tenants, clock):
    clock.set(TODAY)
    plan(tenants)
    before = assert_all_agree(client, tenants, TODAY)
    # Overdue overrides "On track", "At risk": past their dates and unfinished.
    assert before["Due yesterday, on track"] == "overdue"
    assert before["Prison leavers seen within 3 weeks"] == "overdue"  # recorded on track
    assert before["Year 2, on track"] == before["Year 4, at risk"] == "overdue"
    assert before["Due today, on track"] == "on_track"  # due today: not yet
    assert before["Done long ago"] == "complete" and before["Closed long ago"] == "closed"
    assert before["Later, off track"] == "off_track"
    versions = list(Milestone.objects.order_by("pk").values_list("version", flat=True))

    # The next day: no edit, no recompute. "Due today" is now overdue everywhere.
    clock.set(TODAY + timedelta(days=1))
    after = assert_all_agree(client, tenants, TODAY + timedelta(days=1))
    assert after["Due today, on track"] == "overdue"
    assert {t for t in after if after[t] != before[t]} == {"Due today, on track"}
    assert list(Milestone.objects.order_by("pk").values_list("version", flat=True)) == versions


def test_a_board_pack_agrees_as_of_the_day_it_was_made(tenants, clock):
    clock.set(TODAY + timedelta(days=30))
    plan(tenants)
    viewer = tenants.users["a_viewer"]
    made = board_pack_content(partnership=tenants.a, user=viewer, today=TODAY)
    truth = expected(tenants, TODAY)
    assert made["today"] == TODAY
    assert made["milestones"]["overdue"] == counts(truth)["overdue"]
    assert {m.title: m.derived_status for m in made["attention"]} == {
        t: s for t, s in truth.items() if s in ("overdue", "at_risk", "off_track")}
    # Read today, 30 days on, "Due today" is overdue too: the pack still says as it was made.
    assert made["milestones"]["overdue"] < counts(expected(tenants, clock.today))["overdue"]


def test_the_headline_count_of_overdue_milestones_is_the_rule_as_read(tenants, clock):
    """`overdue_milestone_count`: the one selector for "milestones overdue as of today"."""
    from actionplans.derived import overdue_milestone_count

    clock.set(TODAY)
    plan(tenants)
    viewer = tenants.users["a_viewer"]
    for day in (TODAY, TODAY + timedelta(days=1)):
        clock.set(day)
        assert overdue_milestone_count(partnerships=[tenants.a], user=viewer) == counts(
            expected(tenants, day))["overdue"]
    # Another partnership's milestones are not counted for a user who may not see them.
    assert overdue_milestone_count(partnerships=[tenants.a, tenants.b], user=viewer) == \
        overdue_milestone_count(partnerships=[tenants.a], user=viewer)


def test_the_api_schema_documents_derived_status(tenants):
    api = APIClient()
    api.force_authenticate(tenants.users["a_viewer"])
    schema = api.get("/api/v1/schema/?format=json").json()
    field = schema["components"]["schemas"]["Milestone"]["properties"]["derived_status"]
    assert "overdue" in field["description"] and field["readOnly"]
    assert "status" in schema["components"]["schemas"]["Milestone"]["properties"]

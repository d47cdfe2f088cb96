"""actionplans/views/overdue.py: overdue milestones re-dated or closed several at once, with a
reason; the first due date kept, each change in the history; stale submissions refused."""

import re
from datetime import date

import pytest

from actionplans import services
from actionplans.models import ActionPlan, KeyAction, Milestone

from .helpers import PLAN, milestone_url

pytestmark = pytest.mark.django_db

URL = f"{PLAN}milestones/overdue/"
TODAY = date(2026, 12, 7)


def overdue_plan(tenants) -> list[Milestone]:
    """The tenants' milestone (due 31 March 2023, recorded on track) and three more overdue
    ones, one set by plan year only; and one not overdue."""
    lead = tenants.users["a_lead"]
    ActionPlan.objects.filter(pk=tenants.plans["a"].pk).update(years=5)  # to 2026/27
    action = KeyAction.objects.get(partnership=tenants.a)
    made = [tenants.milestones["a"]]
    for title, due, year, status in (
            ("Peer mentors trained", date(2024, 3, 31), None, "at_risk"),
            ("Naloxone kits in custody", date(2024, 6, 30), None, "not_started"),
            ("Year 2 review", None, 2, "on_track")):
        made.append(services.milestone_create(key_action=action, user=lead, title=title,
                                              due_date=due, plan_year=year, status=status))
    services.milestone_create(key_action=action, user=lead, title="Future work",
                              due_date=date(2099, 3, 31), status="on_track")
    return made


def form(milestones, action="redate", reason="Recruitment delayed the work", due=None,
         versions=None) -> dict:
    due = due or ("31", "3", "2027")
    versions = versions or {m.pk: m.version for m in milestones}
    return {"milestones": [m.pk for m in milestones], "action": action, "reason": reason,
            "due_date_0": due[0], "due_date_1": due[1], "due_date_2": due[2],
            "versions": ",".join(f"{pk}:{v}" for pk, v in versions.items())}


def test_the_page_lists_each_overdue_milestone_with_why(client, tenants, clock):
    clock.set(TODAY)
    overdue_plan(tenants)
    client.force_login(tenants.users["a_lead"])
    body = client.get(URL).content.decode()
    assert "Re-date or close overdue milestones" in body
    for title in ("Prison leavers seen within 3 weeks", "Peer mentors trained",
                  "Naloxone kits in custody", "Year 2 review"):
        assert title in body
    assert "Future work" not in body
    assert "Overdue: was due 31 March 2023; status recorded: On track" in body
    assert "Overdue: was due 31 March 2024; status recorded: At risk" in body  # year 2 ended
    assert 'data-select-all="milestones"' in body
    # The plan page links to it, with the count.
    assert "Re-date or close overdue milestones (4)" in client.get(PLAN).content.decode()


def test_a_lead_re_dates_three_at_once_keeping_each_first_due_date(client, tenants, clock):
    clock.set(TODAY)
    first, mentors, naloxone, review = overdue_plan(tenants)
    client.force_login(tenants.users["a_lead"])
    response = client.post(URL, form([first, mentors, review]))
    assert response.status_code == 302
    for milestone, was in ((first, date(2023, 3, 31)), (mentors, date(2024, 3, 31)),
                           (review, date(2024, 3, 31))):
        milestone.refresh_from_db()
        assert milestone.due_date == date(2027, 3, 31)
        assert milestone.original_due_date == was
        assert milestone.redate_reason == "Recruitment delayed the work"
        assert milestone.plan_year == 5  # 2026/27 is year 5 of a plan from 2022/23
        latest = milestone.history.first()
        assert latest.history_user == tenants.users["a_lead"]
        assert latest.history_change_reason.startswith(f"Re-dated from {was:%-d %B %Y}")
    naloxone.refresh_from_db()
    assert naloxone.original_due_date is None  # not chosen: unchanged
    page = client.get(milestone_url(first)).content.decode()
    assert "Re-dated: first due 31 March 2023" in page
    assert "Reason: Recruitment delayed the work" in page
    status = re.search(r"</h1>\s*<p class=\"govuk-body\">(.*?)</p>", page, re.S).group(1)
    assert "Overdue" not in status and "On track" in status  # no longer overdue
    # Re-dated again: the first due date is still the one kept.
    clock.set(date(2027, 4, 1))
    first.refresh_from_db()
    client.post(URL, form([first], due=("30", "9", "2027"), reason="Again"))
    first.refresh_from_db()
    assert (first.due_date, first.original_due_date) == (date(2027, 9, 30), date(2023, 3, 31))


def test_closing_sets_closed_with_the_reason_in_the_history(client, tenants, clock):
    clock.set(TODAY)
    _, mentors, naloxone, _ = overdue_plan(tenants)
    client.force_login(tenants.users["a_admin"])
    assert client.post(URL, form([mentors, naloxone], action="close",
                                 reason="Commissioned elsewhere")).status_code == 302
    for milestone in (mentors, naloxone):
        milestone.refresh_from_db()
        assert milestone.status == "closed"
        assert milestone.history.first().history_change_reason == (
            "Closed: Commissioned elsewhere")


@pytest.mark.parametrize("changes, error", [
    ({"reason": ""}, "Say why"),
    ({"due": ("", "", "")}, "Enter the new due date"),
    ({"due": ("31", "3", "2025")}, "The new due date must be today or later"),
    ({"due": ("31", "2", "2027")}, "New due date must be a real date"),
])
def test_bad_input_is_refused_with_a_clear_error_and_nothing_saved(client, tenants, clock,
                                                                   changes, error):
    clock.set(TODAY)
    first, mentors, _, _ = overdue_plan(tenants)
    client.force_login(tenants.users["a_lead"])
    response = client.post(URL, form([first, mentors], **changes))
    assert response.status_code == 200
    body = response.content.decode()
    assert error in body and "There is a problem" in body
    assert "Recruitment delayed" in body or not changes.get("reason", True)  # input kept
    assert not Milestone.objects.filter(original_due_date__isnull=False).exists()


def test_no_milestone_chosen_is_an_error(client, tenants, clock):
    clock.set(TODAY)
    overdue_plan(tenants)
    client.force_login(tenants.users["a_lead"])
    body = client.post(URL, form([])).content.decode()
    assert "Choose at least one milestone" in body


def test_a_stale_submission_is_refused_and_nothing_saved(client, tenants, clock):
    """The list was opened; then someone changed one of the chosen milestones."""
    clock.set(TODAY)
    first, mentors, _, _ = overdue_plan(tenants)
    opened = form([first, mentors])
    services.milestone_update(milestone=mentors, user=tenants.users["a_admin"],
                              version=mentors.version, changes={"title": "Peer mentors: 12"})
    client.force_login(tenants.users["a_lead"])
    response = client.post(URL, opened, follow=True)
    body = response.content.decode()
    assert "Nothing was saved" in body and "Peer mentors: 12" in body
    first.refresh_from_db()
    assert first.due_date == date(2023, 3, 31) and first.original_due_date is None


def test_a_milestone_finished_meanwhile_is_no_longer_overdue_and_refused(client, tenants,
                                                                         clock):
    clock.set(TODAY)
    first, *_ = overdue_plan(tenants)
    opened = form([first])
    Milestone.objects.filter(pk=first.pk).update(status="complete")  # version unchanged
    client.force_login(tenants.users["a_lead"])
    body = client.post(URL, opened, follow=True).content.decode()
    assert "Nothing was saved: a milestone you chose is no longer overdue" in body
    first.refresh_from_db()
    assert first.original_due_date is None


def test_a_viewer_may_not_and_another_partnerships_milestone_is_not_listed(client, tenants,
                                                                           clock):
    clock.set(TODAY)
    overdue_plan(tenants)
    client.force_login(tenants.users["a_viewer"])
    assert client.get(URL).status_code == 403
    client.force_login(tenants.users["a_lead"])
    foreign = tenants.milestones["b"]
    response = client.post(URL, form([foreign]))
    assert response.status_code == 200  # not one of the choices: refused, nothing saved
    assert "is not one you may change" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.original_due_date is None
    assert client.get("/partnerships/darlington/plan/milestones/overdue/").status_code == 404


def test_reports_show_re_dated_with_the_first_due_date(client, tenants, clock):
    clock.set(TODAY)
    first, *_ = overdue_plan(tenants)
    client.force_login(tenants.users["a_lead"])
    client.post(URL, form([first]))
    body = client.get(f"{PLAN}report/?year=5").content.decode()
    assert "Re-dated (1)" in body
    assert "re-dated, first due 31 Mar 2023" in body


def test_a_board_pack_lists_the_re_dated_milestones_with_their_first_due_date(client, tenants,
                                                                              clock):
    from django.template.loader import render_to_string

    from cdp.board_packs.selectors import board_pack_content

    clock.set(TODAY)
    first, *_ = overdue_plan(tenants)
    client.force_login(tenants.users["a_lead"])
    client.post(URL, form([first]))
    content = board_pack_content(partnership=tenants.a, user=tenants.users["a_viewer"])
    assert [(m.title, m.original_due_date) for m in content["redated"]] == [
        ("Prison leavers seen within 3 weeks", date(2023, 3, 31))]
    html = render_to_string("cdp/board_pack/pack.html", {**content, "pack": None})
    assert "Re-dated milestones (1)" in html and "31 Mar 2023" in html
    assert "Recruitment delayed the work" in html

"""The action plan's pages: grouping, filters, the stale-edit page, evidence, the report."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actionplans import services
from actionplans.models import Milestone

pytestmark = pytest.mark.django_db
PLAN = "/partnerships/rotherham/plan/"


def milestone_url(milestone, suffix: str = "") -> str:
    return f"{PLAN}milestones/{milestone.pk}/{suffix}"


def add_milestones(tenants):
    lead = tenants.users["a_lead"]
    plan = tenants.plans["a"]
    pursue = services.objective_create(plan=plan, user=lead, priority="supply",
                                       strand="pursue", title="Disrupt organised crime")
    action = services.key_action_create(objective=pursue, user=lead, title="OCG disruption",
                                        lead=tenants.users["a_admin"])
    services.milestone_create(key_action=action, user=lead, title="Tasking group set up",
                              plan_year=3, status="complete")
    services.milestone_create(key_action=action, user=lead, title="County lines closures",
                              due_date=date(2024, 6, 30), status="at_risk")


def progress_form(milestone, **changes) -> dict:
    data = {"version": milestone.version, "status": milestone.status,
            "progress_note": milestone.progress_note, "progress_on_0": "", "progress_on_1": "",
            "progress_on_2": "", "evidence_link": milestone.evidence_link}
    data.update(changes)
    return data


def test_the_plan_groups_by_priority_or_strand_with_counts(client, tenants):
    add_milestones(tenants)
    client.force_login(tenants.users["a_viewer"])
    by_priority = client.get(PLAN).content.decode()
    assert by_priority.index("Break drug supply chains") < by_priority.index(
        "Deliver a world-class treatment and recovery system")
    assert "3 milestones." in by_priority
    by_strand = client.get(PLAN + "?group=strand").content.decode()
    assert by_strand.index("<h2 class=\"govuk-heading-l\" id=\"group-1\">Prevent") < (
        by_strand.index("id=\"group-2\">Pursue"))


@pytest.mark.parametrize(("query", "titles"), [
    ("status=at_risk", {"County lines closures"}),
    ("status=at_risk&status=complete", {"County lines closures", "Tasking group set up"}),
    ("overdue=true", {"County lines closures", "Prison leavers seen within 3 weeks"}),
    ("year=3", {"Tasking group set up", "County lines closures"}),
    ("priority=supply&strand=pursue", {"Tasking group set up", "County lines closures"}),
])
def test_filters(client, tenants, query, titles):
    add_milestones(tenants)
    client.force_login(tenants.users["a_viewer"])
    response = client.get(f"{PLAN}?{query}")
    shown = {m.title for m in Milestone.objects.all() if f">{m.title}</a>" in
             response.content.decode()}
    assert shown == titles


def test_the_lead_and_partner_filters(client, tenants):
    add_milestones(tenants)
    client.force_login(tenants.users["a_viewer"])
    body = client.get(f"{PLAN}?lead={tenants.users['a_admin'].pk}").content.decode()
    assert "County lines closures" in body and "Prison leavers" not in body
    partner = tenants.a.organisations.get()
    body = client.get(f"{PLAN}?partner={partner.pk}").content.decode()
    assert "Prison leavers" in body and "County lines closures" not in body
    # Another partnership's organisation is not a choice: the filter shows nothing.
    other = tenants.b.organisations.get()
    assert "0 milestones" in client.get(f"{PLAN}?partner={other.pk}").content.decode()


def test_a_second_save_from_the_same_version_is_refused_with_both_versions(client, tenants):
    milestone = tenants.milestones["a"]
    lead, admin = tenants.users["a_lead"], tenants.users["a_admin"]
    first = progress_form(milestone, status="complete", progress_note="All prison leavers seen")
    second = progress_form(milestone, status="at_risk", progress_note="Probation staff shortage")

    client.force_login(lead)
    assert client.post(milestone_url(milestone, "progress/"), first).status_code == 302
    client.force_login(admin)
    refused = client.post(milestone_url(milestone, "progress/"), second)

    assert refused.status_code == 409
    body = refused.content.decode()
    assert "A Lead saved this milestone while you were editing it" in body
    assert "All prison leavers seen" in body  # theirs, in the comparison
    assert body.count("Probation staff shortage") == 2  # yours: in the comparison and the form
    saved = Milestone.objects.get(pk=milestone.pk)
    assert (saved.status, saved.progress_note) == ("complete", "All prison leavers seen")

    # The refused form carries the new version: saving it again is a deliberate overwrite.
    version = refused.context["form"]["version"].value()
    assert int(version) == saved.version
    again = client.post(milestone_url(milestone, "progress/"), {**second, "version": version})
    assert again.status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).progress_note == "Probation staff shortage"
    history = client.get(milestone_url(milestone)).content.decode()
    assert "All prison leavers seen" in history and "Probation staff shortage" in history


def test_the_details_form_is_versioned_too(client, tenants):
    milestone = tenants.milestones["a"]
    client.force_login(tenants.users["a_lead"])
    data = {"version": milestone.version - 1, "title": "Renamed", "due_date_0": "31",
            "due_date_1": "3", "due_date_2": "2024", "plan_year": ""}
    assert client.post(milestone_url(milestone, "details/"), data).status_code == 409
    data["version"] = milestone.version
    assert client.post(milestone_url(milestone, "details/"), data).status_code == 302
    saved = Milestone.objects.get(pk=milestone.pk)
    assert (saved.title, saved.due_date, saved.plan_year) == ("Renamed", date(2024, 3, 31), 2)


def test_a_viewer_sees_no_edit_controls_and_a_crafted_post_is_refused(client, tenants):
    milestone = tenants.milestones["a"]
    client.force_login(tenants.users["a_viewer"])
    for url in (PLAN, milestone_url(milestone), PLAN + "risks/"):
        body = client.get(url).content.decode()
        assert "Update progress" not in body and "Add a milestone" not in body
        assert "Add a risk" not in body
    response = client.post(milestone_url(milestone, "progress/"),
                           progress_form(milestone, status="complete"))
    assert response.status_code == 403
    assert Milestone.objects.get(pk=milestone.pk).status == "on_track"


def test_evidence_is_uploaded_and_served_only_to_members(client, tenants):
    milestone = tenants.milestones["a"]
    client.force_login(tenants.users["a_lead"])
    upload = SimpleUploadedFile("board minutes.pdf", b"%PDF-1.4 board minutes")
    response = client.post(milestone_url(milestone, "progress/"),
                           {**progress_form(milestone), "evidence_file": upload})
    assert response.status_code == 302
    saved = Milestone.objects.get(pk=milestone.pk)
    assert saved.evidence_file_name == "board minutes.pdf"
    assert "board minutes" not in saved.evidence_file.name  # stored under a random name
    client.force_login(tenants.users["a_viewer"])
    download = client.get(milestone_url(milestone, "evidence/"))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 board minutes"
    assert 'filename="board minutes.pdf"' in download["Content-Disposition"]
    client.force_login(tenants.users["b_viewer"])
    assert client.get(milestone_url(milestone, "evidence/")).status_code == 404


def test_an_evidence_file_of_the_wrong_kind_is_refused(client, tenants):
    milestone = tenants.milestones["a"]
    client.force_login(tenants.users["a_lead"])
    upload = SimpleUploadedFile("script.html", b"<script>alert(1)</script>")
    response = client.post(milestone_url(milestone, "progress/"),
                           {**progress_form(milestone), "evidence_file": upload})
    assert response.status_code == 200
    assert "The file must be a PDF, Word" in response.content.decode()


def test_the_annual_report_counts_completed_slipped_and_at_risk(client, tenants):
    add_milestones(tenants)
    client.force_login(tenants.users["a_viewer"])
    body = client.get(f"{PLAN}report/?year=3").content.decode()
    assert "Annual progress report: Year 3 (2024/25)" in body
    assert ("Of 2 milestones due in Year 3 (2024/25), 1 was completed, 1 slipped past its due "
            "date and 0 are at risk or off track.") in body
    assert "numbers in treatment" not in body  # no metric is linked to year 3's milestones
    year1 = client.get(f"{PLAN}report/?year=1").content.decode()
    assert "The numbers in treatment for adults" in year1 and "2,153" in year1
    assert "There is no year 7 in this plan" in client.get(
        f"{PLAN}report/?year=7").content.decode()


def test_html_in_every_text_field_is_escaped(client, tenants):
    lead = tenants.users["a_lead"]
    milestone = tenants.milestones["a"]
    services.milestone_update(milestone=milestone, user=lead, version=milestone.version,
                              changes={"progress_note": "<script>alert('x')</script>"})
    services.risk_save(partnership=tenants.a, user=lead, risk=tenants.risks["a"],
                       mitigation="<img src=x onerror=alert(1)>")
    client.force_login(tenants.users["a_viewer"])
    for url in (PLAN, milestone_url(milestone), PLAN + "risks/", PLAN + "report/?year=1"):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, url


def test_a_conflict_says_to_choose_the_evidence_file_again(client, tenants):
    milestone = tenants.milestones["a"]
    client.force_login(tenants.users["a_lead"])
    client.post(milestone_url(milestone, "progress/"),
                progress_form(milestone, status="complete", progress_note="First"))
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4 report")
    refused = client.post(milestone_url(milestone, "progress/"),
                          {**progress_form(milestone, progress_note="Second"),
                           "evidence_file": upload})
    assert refused.status_code == 409
    assert "choose your evidence file again" in refused.content.decode()


def test_changing_only_the_evidence_link_keeps_the_update_date(client, tenants):
    milestone = tenants.milestones["a"]
    client.force_login(tenants.users["a_lead"])
    Milestone.objects.filter(pk=milestone.pk).update(progress_on=date(2023, 1, 5))
    milestone.refresh_from_db()
    data = progress_form(milestone, evidence_link="https://example.org/minutes",
                         progress_on_0="23", progress_on_1="11", progress_on_2="2026")
    assert client.post(milestone_url(milestone, "progress/"), data).status_code == 302
    saved = Milestone.objects.get(pk=milestone.pk)
    assert (saved.evidence_link, saved.progress_on) == ("https://example.org/minutes",
                                                         date(2023, 1, 5))


# --- The weekly digest's page ---------------------------------------------------------------
DIGEST_PAGE = PLAN + "weekly-email/"


def checked(page: str) -> str:
    """The value of the radio button that is checked."""
    import re

    [value] = re.findall(r'value="([^"]*)"\s+checked', page)
    return value


def test_a_lead_chooses_the_day_of_their_weekly_email_or_switches_it_off(client, tenants):
    from actionplans.models import DigestPreference

    lead = tenants.users["a_lead"]
    client.force_login(lead)
    assert DIGEST_PAGE in client.get(PLAN).content.decode()  # reached from the plan
    page = client.get(DIGEST_PAGE).content.decode()
    assert checked(page) == "0"  # on, Mondays, by default
    assert "The action plan is a draft" in page

    response = client.post(DIGEST_PAGE, {"send_on": "2"}, follow=True)
    assert "Your weekly email will come on Wednesdays." in response.content.decode()
    assert DigestPreference.objects.values_list("enabled", "weekday").get(user=lead) == (True, 2)
    response = client.post(DIGEST_PAGE, {"send_on": "off"}, follow=True)
    assert "You will not get the weekly email." in response.content.decode()
    assert DigestPreference.objects.values_list("enabled", "weekday").get(user=lead) == (
        False, 2)
    assert checked(client.get(DIGEST_PAGE).content.decode()) == "off"
    # Only in this partnership: the lead's preferences elsewhere are their own.
    assert not DigestPreference.objects.filter(partnership=tenants.b, user=lead).exists()


def test_the_digest_page_refuses_a_missing_or_made_up_choice(client, tenants):
    client.force_login(tenants.users["a_lead"])
    for data in ({}, {"send_on": "6"}, {"send_on": "sunday"}):
        response = client.post(DIGEST_PAGE, data)
        body = response.content.decode()
        assert response.status_code == 200
        assert "<title>Error: Your weekly email" in body
        assert "govuk-error-summary" in body
    from actionplans.models import DigestPreference

    assert not DigestPreference.objects.filter(user=tenants.users["a_lead"]).exists()


def test_the_digest_page_shows_what_this_weeks_email_would_list(client, tenants):
    from actionplans import services as plan_services

    from .digest_helpers import sign_off

    sign_off(tenants)
    client.force_login(tenants.users["a_lead"])
    page = client.get(DIGEST_PAGE).content.decode()
    assert "The action plan is a draft" not in page
    assert "1 overdue." in page
    assert milestone_url(tenants.milestones["a"], "progress/") in page
    milestone = tenants.milestones["a"]
    plan_services.milestone_update(milestone=milestone, user=tenants.users["a_lead"],
                                   version=milestone.version, changes={"status": "complete"})
    page = client.get(DIGEST_PAGE).content.decode()
    assert "Nothing: none of the milestones you lead here" in page


def test_viewers_have_no_weekly_email_to_set(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    assert DIGEST_PAGE not in client.get(PLAN).content.decode()
    assert client.get(DIGEST_PAGE).status_code == 403

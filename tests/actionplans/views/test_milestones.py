"""actionplans/views/milestones.py: the stale-edit page, the versioned forms, evidence."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actionplans import services
from actionplans.models import Milestone, ProgressEvidence, ProgressUpdate

from .helpers import PLAN, milestone_url, progress_form

pytestmark = pytest.mark.django_db


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
                           {**progress_form(milestone, progress_note="Minutes agreed"),
                            "evidence_file": upload})
    assert response.status_code == 302
    saved = Milestone.objects.get(pk=milestone.pk)
    assert saved.evidence_file_name == "board minutes.pdf"
    assert "board minutes" not in saved.evidence_file.name  # stored under a random name
    item = ProgressEvidence.objects.get(update__milestone=milestone, name="board minutes.pdf")
    assert item.file.name == saved.evidence_file.name
    client.force_login(tenants.users["a_viewer"])
    for url in (milestone_url(milestone, "evidence/"),
                milestone_url(milestone, f"evidence/{item.pk}/")):
        download = client.get(url)
        assert b"".join(download.streaming_content) == b"%PDF-1.4 board minutes"
        assert 'filename="board minutes.pdf"' in download["Content-Disposition"]
    page = client.get(milestone_url(milestone)).content.decode()
    assert milestone_url(milestone, f"evidence/{item.pk}/") in page
    client.force_login(tenants.users["b_viewer"])
    assert client.get(milestone_url(milestone, "evidence/")).status_code == 404
    assert client.get(milestone_url(milestone, f"evidence/{item.pk}/")).status_code == 404


def test_another_milestones_evidence_is_not_served_through_this_one(client, tenants):
    a, b = tenants.milestones["a"], tenants.milestones["b"]
    other = ProgressEvidence.objects.get(update__milestone=b)
    client.force_login(tenants.users["a_admin"])
    assert client.get(milestone_url(a, f"evidence/{other.pk}/")).status_code == 404


def test_an_evidence_file_of_the_wrong_kind_is_refused(client, tenants):
    milestone = tenants.milestones["a"]
    client.force_login(tenants.users["a_lead"])
    upload = SimpleUploadedFile("script.html", b"<script>alert(1)</script>")
    response = client.post(milestone_url(milestone, "progress/"),
                           {**progress_form(milestone), "evidence_file": upload})
    assert response.status_code == 200
    assert "The file must be a PDF, Word" in response.content.decode()


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


def test_an_update_with_nothing_new_is_refused_and_adds_nothing(client, tenants):
    milestone = tenants.milestones["a"]
    client.force_login(tenants.users["a_lead"])
    entries = ProgressUpdate.objects.filter(milestone=milestone).count()
    data = progress_form(milestone, evidence_link="https://example.org/minutes",
                         progress_on_0="23", progress_on_1="11", progress_on_2="2026")
    response = client.post(milestone_url(milestone, "progress/"), data)
    assert response.status_code == 200
    assert ("Write what has happened since the last update, or change the status"
            in response.content.decode())
    assert "https://example.org/minutes" in response.content.decode()  # kept in the form
    saved = Milestone.objects.get(pk=milestone.pk)
    assert (saved.version, saved.evidence_link, saved.progress_on) == (
        milestone.version, milestone.evidence_link, milestone.progress_on)
    assert ProgressUpdate.objects.filter(milestone=milestone).count() == entries
    # The same text again is not new either.
    again = client.post(milestone_url(milestone, "progress/"),
                        progress_form(milestone, progress_note=milestone.progress_note))
    assert "This is the same as the last update" in again.content.decode()


def test_the_progress_form_starts_empty_and_each_save_adds_an_entry(client, tenants):
    milestone = tenants.milestones["a"]
    client.force_login(tenants.users["a_lead"])
    form_page = client.get(milestone_url(milestone, "progress/"))
    form = form_page.context["form"]
    assert not form["progress_note"].value() and not form["evidence_link"].value()
    assert form["status"].value() == milestone.status
    assert "Pathway agreed with probation" in form_page.content.decode()  # the last update
    client.post(milestone_url(milestone, "progress/"),
                progress_form(milestone, progress_note="Ten leavers seen",
                              evidence_link="https://example.org/a",
                              progress_on_0="1", progress_on_1="12", progress_on_2="2026"))
    milestone.refresh_from_db()
    client.post(milestone_url(milestone, "progress/"),
                progress_form(milestone, status="at_risk", progress_note="Staff shortage"))
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress_note) == ("at_risk", "Staff shortage")
    assert milestone.evidence_link == "https://example.org/a"  # the latest link given
    log = list(ProgressUpdate.objects.filter(milestone=milestone))
    assert [(e.status, e.text) for e in log] == [
        ("at_risk", "Staff shortage"), ("on_track", "Ten leavers seen"),
        ("on_track", "Pathway agreed with probation")]
    assert log[1].progress_on == date(2026, 12, 1)
    assert [e.link for e in log[1].evidence.all()] == ["https://example.org/a"]
    assert {e.author for e in log} == {tenants.users["a_lead"]}
    page = client.get(milestone_url(milestone)).content.decode()
    log_html = page[page.index('id="progress-log"'):page.index(">History<")]
    positions = [log_html.index(text) for text in
                 ("Staff shortage", "Ten leavers seen", "Pathway agreed with probation")]
    assert positions == sorted(positions)  # newest first
    assert "By A Lead" in log_html and "https://example.org/a" in log_html


def test_the_log_escapes_what_was_written_and_says_when_only_the_status_changed(client,
                                                                                tenants):
    milestone = tenants.milestones["a"]
    lead = tenants.users["a_lead"]
    services.progress_update_add(milestone=milestone, user=lead, version=milestone.version,
                                 status="on_track", text="<script>alert(1)</script>",
                                 links=["https://example.org/?q=<b>"])
    milestone.refresh_from_db()
    services.progress_update_add(milestone=milestone, user=lead, version=milestone.version,
                                 status="complete")
    client.force_login(tenants.users["a_viewer"])
    page = client.get(milestone_url(milestone)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>" not in page
    assert "Status recorded, no note." in page

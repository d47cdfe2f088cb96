"""actionplans/views/milestones.py: the stale-edit page, the versioned forms, evidence."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actionplans.models import Milestone

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

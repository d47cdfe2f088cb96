"""actionplans/services/progress_log.py against PostgreSQL: an update is an entry in the log,
the milestone keeps the latest, stale and empty updates add nothing."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from actionplans import services
from actionplans.log_selectors import progress_log
from actionplans.models import Milestone, ProgressEvidence, ProgressUpdate

pytestmark = pytest.mark.django_db


def add(milestone, user, **kwargs):
    kwargs.setdefault("status", milestone.status)
    return services.progress_update_add(milestone=milestone, user=user,
                                        version=milestone.version, **kwargs)


def test_an_update_is_an_entry_and_the_milestone_shows_the_latest(tenants):
    milestone, lead = tenants.milestones["a"], tenants.users["a_lead"]
    history = milestone.history.count()
    entry = add(milestone, lead, status="at_risk", text="  Staff shortage\r\nat probation ",
                progress_on=date(2026, 11, 30), links=["https://example.org/minutes"],
                files=[SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan")])
    assert (entry.author, entry.status, entry.text, entry.progress_on) == (
        lead, "at_risk", "Staff shortage\nat probation", date(2026, 11, 30))
    assert entry.partnership_id == milestone.partnership_id
    assert [(e.link, e.name) for e in entry.evidence.all()] == [
        ("https://example.org/minutes", ""), ("", "plan.pdf")]
    saved = Milestone.objects.get(pk=milestone.pk)
    assert (saved.status, saved.progress_note, saved.progress_on, saved.version) == (
        "at_risk", "Staff shortage\nat probation", date(2026, 11, 30), milestone.version + 1)
    assert saved.evidence_link == "https://example.org/minutes"
    assert saved.evidence_file_name == "plan.pdf"
    assert saved.evidence_file.name == entry.evidence.get(name="plan.pdf").file.name
    assert milestone.history.count() == history + 1  # the save is audited as before


def test_a_status_only_update_keeps_the_last_note_on_the_milestone(tenants):
    milestone, lead = tenants.milestones["a"], tenants.users["a_lead"]
    entry = add(milestone, lead, status="complete")
    assert entry.text == "" and entry.progress_on == date.today()
    saved = Milestone.objects.get(pk=milestone.pk)
    assert (saved.status, saved.progress_note) == ("complete", "Pathway agreed with probation")


def test_no_new_text_and_no_new_status_is_not_an_update(tenants):
    milestone, lead = tenants.milestones["a"], tenants.users["a_lead"]
    before = ProgressUpdate.objects.count(), ProgressEvidence.objects.count()
    for text, message in (("", services.progress_log.NOTHING_NEW),
                          ("  ", services.progress_log.NOTHING_NEW),
                          ("Pathway agreed with probation", services.progress_log.SAME_AS_LAST)):
        with pytest.raises(ValidationError) as error:
            add(milestone, lead, text=text, links=["https://example.org/x"])
        assert error.value.message_dict == {"progress_note": [message]}
    assert (ProgressUpdate.objects.count(), ProgressEvidence.objects.count()) == before
    assert Milestone.objects.get(pk=milestone.pk).version == milestone.version


def test_a_stale_update_is_refused_and_adds_nothing(tenants):
    milestone = tenants.milestones["a"]
    add(milestone, tenants.users["a_admin"], text="First")
    entries = ProgressUpdate.objects.filter(milestone=milestone).count()
    with pytest.raises(services.StaleEdit) as stale:
        add(milestone, tenants.users["a_lead"], text="Second")  # from the older version
    assert stale.value.current.progress_note == "First"
    assert ProgressUpdate.objects.filter(milestone=milestone).count() == entries


def test_only_leads_and_admins_add_updates(tenants):
    milestone = tenants.milestones["a"]
    for name in ("a_viewer", "a_analyst", "b_lead", "regional", "outsider"):
        with pytest.raises(PermissionDenied):
            add(milestone, tenants.users[name], text="Not mine to say")
    assert not ProgressUpdate.objects.filter(text="Not mine to say").exists()


@pytest.mark.parametrize(("links", "files", "field"), [
    (["javascript:alert(1)"], [], "evidence_link"),
    (["https://example.org/" + "x" * 500], [], "evidence_link"),
    ([], [SimpleUploadedFile("page.html", b"<script>")], "evidence_file"),
])
def test_bad_evidence_is_refused_with_the_field_and_adds_nothing(tenants, links, files, field):
    milestone = tenants.milestones["a"]
    before = ProgressUpdate.objects.count()
    with pytest.raises(ValidationError) as error:
        add(milestone, tenants.users["a_lead"], text="With evidence", links=links, files=files)
    assert field in error.value.message_dict
    assert ProgressUpdate.objects.count() == before


def test_a_change_of_status_or_note_made_elsewhere_is_logged_too(tenants):
    """The API's PATCH and a plan import change milestones through milestone_update: a new
    status or note is an entry there as well, so the log misses no update."""
    milestone, lead = tenants.milestones["a"], tenants.users["a_lead"]
    saved = services.milestone_update(milestone=milestone, user=lead, version=milestone.version,
                                      changes={"status": "off_track"})
    saved = services.milestone_update(milestone=saved, user=lead, version=saved.version,
                                      changes={"progress_note": "Contract ended"})
    services.milestone_update(milestone=saved, user=lead, version=saved.version,
                              changes={"title": "Renamed"})  # not progress: no entry
    log = list(progress_log(milestone=milestone))
    assert [(e.status, e.text) for e in log[:3]] == [
        ("off_track", "Contract ended"), ("off_track", ""),
        ("on_track", "Pathway agreed with probation")]


def test_a_new_milestone_with_a_note_starts_its_log(tenants):
    action = tenants.milestones["a"].key_action
    milestone = services.milestone_create(key_action=action, user=tenants.users["a_lead"],
                                          title="Naloxone kits", plan_year=2,
                                          progress_note="Kits ordered")
    assert [e.text for e in progress_log(milestone=milestone)] == ["Kits ordered"]
    quiet = services.milestone_create(key_action=action, user=tenants.users["a_lead"],
                                      title="Peer mentors", plan_year=2)
    assert not progress_log(milestone=quiet).exists()

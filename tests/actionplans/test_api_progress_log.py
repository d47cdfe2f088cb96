"""GET and POST /api/v1/milestones/{id}/updates/: a milestone's progress log over the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from actionplans import services
from actionplans.models import Milestone, ProgressUpdate

pytestmark = pytest.mark.django_db


def api(tenants, username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(tenants.users[username])
    return client


def updates(milestone) -> str:
    return f"/api/v1/milestones/{milestone.pk}/updates/"


def test_members_read_the_log_newest_first_with_its_evidence(tenants):
    milestone = tenants.milestones["a"]
    services.progress_update_add(milestone=milestone, user=tenants.users["a_admin"],
                                 version=milestone.version, status="at_risk",
                                 text="Staff shortage", links=["https://example.org/r"])
    body = api(tenants, "a_viewer").get(updates(milestone)).json()
    rows = body["results"]
    assert [(r["author"], r["status"], r["text"]) for r in rows] == [
        ("a_admin", "at_risk", "Staff shortage"),
        ("a_lead", "on_track", "Pathway agreed with probation")]
    assert rows[0]["milestone"] == milestone.pk
    assert rows[0]["evidence"] == [{"id": rows[0]["evidence"][0]["id"], "name": "",
                                    "url": "https://example.org/r",
                                    "link": "https://example.org/r"}]
    (file,) = rows[1]["evidence"]
    assert file["name"] == "a-minutes.pdf" and file["link"] == ""
    assert file["url"].endswith(
        f"/partnerships/rotherham/plan/milestones/{milestone.pk}/evidence/{file['id']}/")
    assert "evidence_links" not in rows[0]
    csv = api(tenants, "a_viewer").get(updates(milestone), {"format": "csv"})
    assert csv.status_code == 200 and "Staff shortage" in csv.content.decode()


@pytest.mark.parametrize("username", ["a_lead", "b_viewer", "outsider"])
def test_another_partnerships_log_is_404(tenants, username):
    other = tenants.milestones["b"] if username.startswith("a") else tenants.milestones["a"]
    client = api(tenants, username)
    assert client.get(updates(other)).status_code == 404
    response = client.post(updates(other), {"status": "complete", "text": "x"}, format="json",
                           headers={"If-Match": other.etag})
    assert response.status_code == 404
    assert not ProgressUpdate.objects.filter(text="x").exists()


def test_a_lead_adds_an_update_with_if_match_and_gets_the_new_etag(tenants):
    milestone = tenants.milestones["a"]
    client = api(tenants, "a_lead")
    response = client.post(updates(milestone), {
        "status": "complete", "text": "All leavers seen", "progress_on": "2026-11-30",
        "evidence_links": ["https://example.org/final"]}, format="json",
        headers={"If-Match": milestone.etag})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["author"], body["status"], body["text"], body["progress_on"]) == (
        "a_lead", "complete", "All leavers seen", "2026-11-30")
    assert [e["link"] for e in body["evidence"]] == ["https://example.org/final"]
    saved = Milestone.objects.get(pk=milestone.pk)
    assert response["ETag"] == saved.etag
    assert (saved.status, saved.progress_note) == ("complete", "All leavers seen")
    # The milestone's own answer shows the latest, as before.
    shown = client.get(f"/api/v1/milestones/{milestone.pk}/").json()
    assert (shown["status"], shown["progress_note"]) == ("complete", "All leavers seen")


def test_a_stale_or_missing_etag_adds_nothing(tenants):
    milestone = tenants.milestones["a"]
    client = api(tenants, "a_lead")
    before = ProgressUpdate.objects.filter(milestone=milestone).count()
    missing = client.post(updates(milestone), {"status": "complete"}, format="json")
    assert missing.status_code == 428
    services.progress_update_add(milestone=milestone, user=tenants.users["a_admin"],
                                 version=milestone.version, status="at_risk", text="Theirs")
    stale = client.post(updates(milestone), {"status": "complete", "text": "Mine"},
                        format="json", headers={"If-Match": milestone.etag})
    assert stale.status_code == 412
    assert stale.json()["current"]["progress_note"] == "Theirs"
    assert ProgressUpdate.objects.filter(milestone=milestone).count() == before + 1


@pytest.mark.parametrize("username", ["a_viewer", "a_analyst"])
def test_members_who_may_not_change_the_plan_get_403(tenants, username):
    milestone = tenants.milestones["a"]
    response = api(tenants, username).post(updates(milestone), {"status": "complete"},
                                           format="json", headers={"If-Match": milestone.etag})
    assert response.status_code == 403


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"status": "on_track"}, "text",
     "Write what has happened since the last update, or change the status"),
    ({"status": "done"}, "status", '"done" is not a valid choice.'),
    ({"status": "complete", "evidence_links": ["not a link"]}, "evidence_links", None),
    ({"status": "complete", "author": "a_admin"}, "author", "This field is read-only."),
    ({"status": "complete", "colour": "red"}, "colour", "There is no such field."),
])
def test_a_bad_update_is_400_naming_the_field(tenants, body, field, message):
    milestone = tenants.milestones["a"]
    response = api(tenants, "a_lead").post(updates(milestone), body, format="json",
                                           headers={"If-Match": milestone.etag})
    assert response.status_code == 400
    errors = response.json()
    assert field in errors, errors
    if message:
        assert message in str(errors[field])
    assert Milestone.objects.get(pk=milestone.pk).version == milestone.version


def test_the_log_is_read_in_a_fixed_number_of_queries(tenants):
    milestone = tenants.milestones["a"]
    client = api(tenants, "a_viewer")
    with CaptureQueriesContext(connection) as few:
        client.get(updates(milestone))
    for n in range(5):
        milestone.refresh_from_db()
        services.progress_update_add(milestone=milestone, user=tenants.users["a_lead"],
                                     version=milestone.version, text=f"Update {n}",
                                     status="on_track", links=[f"https://example.org/{n}"])
    with CaptureQueriesContext(connection) as many:
        client.get(updates(milestone))
    assert len(many) == len(few)


def test_the_schema_documents_the_log(tenants):
    schema = api(tenants, "a_viewer").get("/api/v1/schema/", {"format": "json"}).json()
    route = schema["paths"]["/api/v1/milestones/{id}/updates/"]
    assert set(route) >= {"get", "post"}
    assert any(p["name"] == "If-Match" for p in route["post"]["parameters"])
    assert {"201", "400", "403", "404", "412", "428"} <= set(route["post"]["responses"])
    listed = route["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["$ref"].endswith("/PaginatedProgressUpdateList")

"""GET /api/v1/action-plans/ and /api/v1/milestones/, and PATCH of a milestone with If-Match."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from actionplans import services
from actionplans.models import Milestone
from actionplans.services import milestones

pytestmark = pytest.mark.django_db

MILESTONES = "/api/v1/milestones/"


def api(tenants, username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(tenants.users[username])
    return client


def url(milestone) -> str:
    return f"{MILESTONES}{milestone.pk}/"


def patch(client, milestone, body: dict, etag: str | None = None):
    headers = {"If-Match": etag} if etag is not None else {}
    return client.patch(url(milestone), body, format="json", headers=headers)


def test_list_shows_only_the_users_partnerships(tenants):
    client = api(tenants, "a_viewer")
    rows = client.get(MILESTONES).json()["results"]
    assert [r["id"] for r in rows] == [tenants.milestones["a"].pk]
    row = rows[0]
    assert row == {
        "id": tenants.milestones["a"].pk, "partnership": "rotherham", "priority": "treatment",
        "strand": "prevent", "objective": "Develop continuity of care",
        "key_action": "Continuity of care pathway", "action_reference": "", "lead": "a_lead",
        "responsible_partners": ["Rotherham CDP Police"],
        "title": "Prison leavers seen within 3 weeks", "due_date": "2023-03-31",
        "plan_year": 1, "due_by": "2023-03-31", "overdue": True, "status": "on_track",
        "derived_status": "overdue", "original_due_date": None, "redate_reason": "",
        "status_is_synthetic": False, "progress_note": "Pathway agreed with probation",
        "progress_on": row["progress_on"], "evidence_link": "", "has_evidence_file": True,
        "performance_measures": ["numbers_in_treatment"], "version": 2,
        "updated_at": row["updated_at"],
    }
    assert client.get(url(tenants.milestones["b"])).status_code == 404
    assert api(tenants, "outsider").get(MILESTONES).json()["results"] == []
    everyone = api(tenants, "superuser").get(MILESTONES).json()["results"]
    assert {r["partnership"] for r in everyone} == {"rotherham", "darlington"}


def test_get_sends_the_etag_and_honours_if_none_match(tenants):
    client = api(tenants, "a_viewer")
    milestone = tenants.milestones["a"]
    response = client.get(url(milestone))
    assert response.status_code == 200
    assert response["ETag"] == f'"milestone-{milestone.pk}-v2"' == milestone.etag
    assert response.json()["version"] == 2

    again = client.get(url(milestone), headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == milestone.etag
    assert not again.content
    weak = client.get(url(milestone), headers={"If-None-Match": f"W/{milestone.etag}"})
    assert weak.status_code == 304
    older = client.get(url(milestone), headers={"If-None-Match": milestone.etag.replace("v2",
                                                                                          "v1")})
    assert older.status_code == 200


def test_patch_without_if_match_is_428_and_changes_nothing(tenants):
    milestone = tenants.milestones["a"]
    response = patch(api(tenants, "a_lead"), milestone, {"status": "at_risk"})
    assert response.status_code == 428
    assert "ETag" in response.json()["detail"]
    assert "If-Match" in response.json()["detail"]
    milestone.refresh_from_db()
    assert (milestone.status, milestone.version) == ("on_track", 2)
    star = patch(api(tenants, "a_lead"), milestone, {"status": "at_risk"}, etag="*")
    assert star.status_code == 428


def test_patch_with_the_current_etag_saves_and_answers_the_new_version(tenants):
    milestone = tenants.milestones["a"]
    client = api(tenants, "a_lead")
    etag = client.get(url(milestone))["ETag"]
    response = patch(client, milestone, {"status": "at_risk",
                                         "progress_note": "Probation staff shortages",
                                         "performance_measures": ["digital_iba"]}, etag)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["version"]) == ("at_risk", 3)
    assert body["progress_note"] == "Probation staff shortages"
    assert body["progress_on"] == date.today().isoformat()
    assert body["performance_measures"] == ["digital_iba"]
    assert response["ETag"] == f'"milestone-{milestone.pk}-v3"'

    milestone.refresh_from_db()
    assert (milestone.status, milestone.version) == ("at_risk", 3)
    assert milestone.metrics.get().owner == tenants.a  # the partnership's own local metric
    latest = milestone.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == tenants.users["a_lead"]
    assert latest.status == "at_risk"


def test_patch_from_a_stale_etag_is_412_with_what_is_saved_now(tenants):
    milestone = tenants.milestones["a"]
    lead, admin = api(tenants, "a_lead"), api(tenants, "a_admin")
    read_by_lead = lead.get(url(milestone))["ETag"]
    read_by_admin = admin.get(url(milestone))["ETag"]
    assert patch(admin, milestone, {"status": "complete"}, read_by_admin).status_code == 200
    history = milestone.history.count()

    response = patch(lead, milestone, {"status": "off_track", "title": "Lost"}, read_by_lead)
    assert response.status_code == 412
    body = response.json()
    assert "nothing was saved" in body["detail"]
    assert body["current"]["status"] == "complete"
    assert body["current"]["version"] == 3
    assert body["current"]["title"] == "Prison leavers seen within 3 weeks"
    assert response["ETag"] == f'"milestone-{milestone.pk}-v3"'
    milestone.refresh_from_db()
    assert (milestone.status, milestone.version) == ("complete", 3)
    assert milestone.history.count() == history


def test_a_race_between_the_check_and_the_write_is_412(tenants, monkeypatch):
    milestone = tenants.milestones["a"]
    client = api(tenants, "a_lead")
    etag = client.get(url(milestone))["ETag"]
    real_update = services.milestone_update

    def someone_else_first(**kwargs):
        real_update(milestone=milestone, user=tenants.users["a_admin"], version=2,
                    changes={"status": "complete"})
        return real_update(**kwargs)

    monkeypatch.setattr(milestones, "milestone_update", someone_else_first)
    response = patch(client, milestone, {"status": "off_track"}, etag)
    assert response.status_code == 412
    assert response.json()["current"]["status"] == "complete"
    milestone.refresh_from_db()
    assert (milestone.status, milestone.version) == ("complete", 3)


@pytest.mark.parametrize("username", ["a_viewer", "a_analyst", "regional"])
def test_members_who_may_not_edit_the_plan_get_403(tenants, username):
    milestone = tenants.milestones["a"]
    response = patch(api(tenants, username), milestone, {"status": "at_risk"}, milestone.etag)
    assert response.status_code == 403
    milestone.refresh_from_db()
    assert (milestone.status, milestone.version) == ("on_track", 2)


@pytest.mark.parametrize("username", ["a_lead", "a_admin", "b_viewer", "outsider"])
def test_another_partnerships_milestone_is_404_to_patch(tenants, username):
    milestone = tenants.milestones["b"] if username.startswith("a_") else tenants.milestones["a"]
    response = patch(api(tenants, username), milestone, {"status": "at_risk"}, milestone.etag)
    assert response.status_code == 404
    milestone.refresh_from_db()
    assert milestone.version == 2


def test_post_put_and_delete_are_not_allowed(tenants):
    milestone = tenants.milestones["a"]
    client = api(tenants, "a_admin")
    headers = {"If-Match": milestone.etag}
    assert client.post(MILESTONES, {}, format="json").status_code == 405
    assert client.put(url(milestone), {}, format="json", headers=headers).status_code == 405
    assert client.delete(url(milestone), headers=headers).status_code == 405
    assert Milestone.objects.filter(pk=milestone.pk).exists()


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"version": 7}, "version", "This field is read-only."),
    ({"lead": "b_lead"}, "lead", "This field is read-only."),
    ({"colour": "red"}, "colour", "There is no such field."),
    ({"status": "done"}, "status", '"done" is not a valid choice.'),
    ({"performance_measures": ["no_such_metric"]}, "performance_measures",
     "'no_such_metric' is not a metric code this partnership can use."),
    ({"plan_year": 5, "due_date": None}, "plan_year", "The plan has 3 years (2022/23 to 2024/25)"),
    ({"title": ""}, "title", "This field may not be blank."),
])
def test_a_bad_change_is_400_naming_the_field(tenants, body, field, message):
    milestone = tenants.milestones["a"]
    response = patch(api(tenants, "a_lead"), milestone, body, milestone.etag)
    assert response.status_code == 400
    assert response.json() == {field: [message]}
    milestone.refresh_from_db()
    assert milestone.version == 2


def test_another_partnerships_local_metric_cannot_be_linked(tenants):
    from outcomes.models import Metric

    milestone = tenants.milestones["a"]
    assert Metric.objects.filter(owner=tenants.b, code="digital_iba").exists()
    response = patch(api(tenants, "a_lead"), milestone,
                     {"performance_measures": ["numbers_in_treatment", "digital_iba"]},
                     milestone.etag)
    assert response.status_code == 200
    linked = milestone.metrics.all()
    assert {(m.code, m.owner_id) for m in linked} == {("numbers_in_treatment", None),
                                                     ("digital_iba", tenants.a.pk)}


def more_milestones(tenants, n: int, **fields) -> list[Milestone]:
    action = tenants.milestones["a"].key_action
    return [services.milestone_create(key_action=action, user=tenants.users["a_lead"],
                                      title=f"Milestone {i}", plan_year=2, **fields)
            for i in range(n)]


def ids(client, query: str = "") -> set[int]:
    response = client.get(MILESTONES + query)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_filters(tenants):
    first = tenants.milestones["a"]
    at_risk, complete = more_milestones(tenants, 2)
    services.milestone_update(milestone=at_risk, user=tenants.users["a_lead"], version=1,
                              changes={"status": "at_risk"})
    services.milestone_update(milestone=complete, user=tenants.users["a_lead"], version=1,
                              changes={"status": "complete", "due_date": date(2022, 6, 1)})
    client = api(tenants, "a_viewer")
    assert ids(client, "?status=at_risk") == {at_risk.pk}
    assert ids(client, "?status=at_risk&status=complete") == {at_risk.pk, complete.pk}
    # Due 31 March 2023 and on track: overdue. Set in year 2 (ends 31 March 2024): overdue.
    assert ids(client, "?overdue=true") == {first.pk, at_risk.pk}
    assert ids(client, "?overdue=false") == {complete.pk}
    assert ids(client, "?priority=treatment") == {first.pk, at_risk.pk, complete.pk}
    assert ids(client, "?priority=supply") == set()
    assert ids(client, "?strand=prevent&year=2") == {at_risk.pk}
    assert ids(client, "?partnership=rotherham") == {first.pk, at_risk.pk, complete.pk}
    # Another partnership's slug: a 400 naming it, as for one that does not exist.
    assert client.get(MILESTONES + "?partnership=darlington").status_code == 400
    assert client.get(MILESTONES + "?status=done").status_code == 400


def test_lead_and_partner_filters_offer_only_what_the_user_can_see(tenants):
    from partnerships.models import Organisation

    client = api(tenants, "a_viewer")
    own = tenants.milestones["a"].pk
    a_police = Organisation.objects.get(partnership=tenants.a)
    b_police = Organisation.objects.get(partnership=tenants.b)
    assert ids(client, f"?lead={tenants.users['a_lead'].pk}") == {own}
    assert ids(client, f"?partner={a_police.pk}") == {own}
    assert client.get(MILESTONES + f"?lead={tenants.users['b_lead'].pk}").status_code == 400
    assert client.get(MILESTONES + f"?partner={b_police.pk}").status_code == 400
    assert client.get(MILESTONES + f"?lead={tenants.users['a_viewer'].pk}").status_code == 400
    national = api(tenants, "superuser")
    assert ids(national, f"?partner={b_police.pk}") == {tenants.milestones["b"].pk}


def list_queries(client) -> int:
    client.get(MILESTONES)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(MILESTONES)
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_the_milestones(tenants):
    client = api(tenants, "a_viewer")
    one = list_queries(client)
    more_milestones(tenants, 29, progress_note="Started")
    assert len(client.get(MILESTONES).json()["results"]) == 30
    assert list_queries(client) == one


def test_action_plans_are_scoped_and_filterable(tenants):
    client = api(tenants, "a_viewer")
    rows = client.get("/api/v1/action-plans/").json()["results"]
    assert rows == [{
        "id": tenants.plans["a"].pk, "partnership": "rotherham",
        "title": "Rotherham CDP action plan", "first_year": 2022, "years": 3,
        "span": "2022/23 to 2024/25", "status": "draft", "signed_off_on": None,
        "signed_off_by": "",
    }]
    assert client.get(f"/api/v1/action-plans/{tenants.plans['b'].pk}/").status_code == 404
    assert client.get(f"/api/v1/action-plans/{tenants.plans['a'].pk}/").status_code == 200
    assert api(tenants, "outsider").get("/api/v1/action-plans/").json()["results"] == []
    national = api(tenants, "superuser")
    rows = national.get("/api/v1/action-plans/?partnership=darlington").json()["results"]
    assert [r["partnership"] for r in rows] == ["darlington"]

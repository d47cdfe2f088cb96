"""A filter value that names nothing the user may see is a 400 naming the value, in DRF's
error shape ({field: [message]}), with the same message whether the object does not exist or
belongs to a partnership the user may not see: the answer never confirms that it exists."""

import pytest

pytestmark = pytest.mark.django_db


def get(client, url):
    response = client.get(url)
    return response.status_code, response.json()


@pytest.mark.parametrize(("url", "field", "value", "noun"), [
    ("/api/v1/observations/?metric=nonsense", "metric", "nonsense", "metric"),
    ("/api/v1/reference/?metric=nonsense", "metric", "nonsense", "metric"),
    ("/api/v1/metrics/?code=nonsense", "code", "nonsense", "metric"),
    ("/api/v1/targets/?metric=nonsense", "metric", "nonsense", "metric"),
    ("/api/v1/summaries/?partnership=nowhere", "partnership", "nowhere", "partnership"),
    ("/api/v1/milestones/?partnership=nowhere", "partnership", "nowhere", "partnership"),
    ("/api/v1/action-plans/?partnership=nowhere", "partnership", "nowhere", "partnership"),
    ("/api/v1/imports/?partnership=nowhere", "partnership", "nowhere", "partnership"),
    ("/api/v1/milestones/?lead=999999", "lead", "999999", "lead"),
    ("/api/v1/milestones/?partner=999999", "partner", "999999", "responsible partner"),
])
def test_an_unknown_value_is_a_400_naming_it(client, tenants, url, field, value, noun):
    client.force_login(tenants.users["a_analyst"])
    assert get(client, url) == (400, {field: [f"“{value}” matches no {noun} you can see."]})


def test_another_partnerships_object_gets_the_same_answer_as_none_at_all(client, tenants):
    from outcomes.models import Metric

    client.force_login(tenants.users["a_viewer"])
    # Darlington (partnership B) exists; "nowhere" does not. The answers differ only in the
    # value they name.
    foreign = get(client, "/api/v1/observations/?partnership=darlington")
    missing = get(client, "/api/v1/observations/?partnership=nowhere")
    assert foreign == (400, {"partnership": ["“darlington” matches no partnership you can see."]})
    assert missing == (400, {"partnership": ["“nowhere” matches no partnership you can see."]})
    # B's local metric, by its code, as a metric of A's member.
    metric = Metric.objects.filter(owner=tenants.b).first()
    metric.pk, metric.code = None, "darlington_only"
    metric.save()
    local_b = metric.code
    assert get(client, f"/api/v1/observations/?metric={local_b}") == (
        400, {"metric": [f"“{local_b}” matches no metric you can see."]})
    # B's lead, by id, on the milestones: as unknown as an id nobody has.
    b_lead = tenants.users["b_lead"].pk
    assert get(client, f"/api/v1/milestones/?lead={b_lead}") == (
        400, {"lead": [f"“{b_lead}” matches no lead you can see."]})


def test_known_values_still_filter_and_each_unknown_one_is_named(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    status, body = get(client, "/api/v1/observations/?partnership=rotherham"
                               "&metric=numbers_in_treatment")
    assert status == 200
    status, body = get(client, "/api/v1/observations/?metric=numbers_in_treatment,other,"
                               "nonsense")
    assert (status, body) == (400, {"metric": ["“other” matches no metric you can see.",
                                               "“nonsense” matches no metric you can see."]})
    # The superuser sees every partnership: Darlington is known to them.
    client.force_login(tenants.users["superuser"])
    assert client.get("/api/v1/observations/?partnership=darlington").status_code == 200
    # A regional viewer may see Rotherham from outside: a known slug.
    client.force_login(tenants.users["regional"])
    assert client.get("/api/v1/milestones/?partnership=rotherham").status_code == 200


def test_csv_answers_the_same_400(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    response = client.get("/api/v1/observations/?metric=nonsense&format=csv")
    assert response.status_code == 400
    assert "“nonsense” matches no metric you can see." in response.content.decode()

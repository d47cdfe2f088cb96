"""POST /api/v1/imports/: the same import service as the page and the command."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outcomes.models import ImportBatch, Observation

pytestmark = pytest.mark.django_db

FILE = (b"metric,area_code,period,value\n"
        b"continuity_of_care,E08000018,2022/23,41.5\n"
        b"continuity_of_care,E08000019,2022/23,50\n")


def post(client, **data):
    upload = SimpleUploadedFile("figures.csv", data.pop("content", FILE))
    return client.post("/api/v1/imports/", {"file": upload, "format": "tidy",
                                            "partnership": "rotherham", **data})


def test_dry_run_then_apply_with_accepted_rejects(client, tenants):
    client.force_login(tenants.users["a_analyst"])
    response = post(client, dry_run="true")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["inserted"], body["rejected"]) == ("dry_run", 1, 1)
    assert not Observation.objects.filter(metric__code="continuity_of_care").exists()

    problems = client.get(body["problems_url"]).json()["results"]
    assert problems == [{"line": 3, "kind": "rejected",
                         "reason": "area E08000019 is not in Rotherham CDP"}]

    held_back = post(client).json()
    assert held_back["status"] == "preview"
    applied = post(client, accept_valid="true").json()
    assert (applied["status"], applied["inserted"]) == ("complete", 1)
    assert Observation.objects.get(metric__code="continuity_of_care").value == 41.5


def test_a_bad_file_is_a_400_with_the_reason(client, tenants):
    client.force_login(tenants.users["a_analyst"])
    response = post(client, content=b"nothing useful here\n1,2\n")
    assert response.status_code == 400
    assert "has no 'metric', 'area_code', 'period', 'value' column" in str(response.json())


def test_another_partnership_is_a_404(client, tenants):
    client.force_login(tenants.users["b_analyst"])
    assert post(client).status_code == 404
    client.force_login(tenants.users["a_viewer"])
    assert post(client).status_code == 404
    assert not ImportBatch.objects.filter(file_name="figures.csv").exists()


def test_list_is_scoped_and_filterable(client, tenants):
    client.force_login(tenants.users["a_admin"])
    rows = client.get("/api/v1/imports/").json()["results"]
    assert {r["partnership"] for r in rows} == {"rotherham"}
    client.force_login(tenants.users["superuser"])
    rows = client.get("/api/v1/imports/?partnership=darlington").json()["results"]
    assert {r["partnership"] for r in rows} == {"darlington"}


def test_check_then_apply_then_roll_back_over_the_api(client, tenants):
    client.force_login(tenants.users["a_analyst"])
    checked = post(client, dry_run="false").json()  # rejected rows: held back
    assert checked["status"] == "preview"
    refused = client.post(f"/api/v1/imports/{checked['id']}/apply/")
    assert refused.status_code == 400
    assert "1 row cannot be imported" in str(refused.json())
    applied = client.post(f"/api/v1/imports/{checked['id']}/apply/", {"accept_valid": "true"})
    assert applied.status_code == 200 and applied.json()["status"] == "complete"
    assert Observation.objects.filter(metric__code="continuity_of_care").count() == 1
    rolled = client.post(f"/api/v1/imports/{checked['id']}/roll-back/")
    assert rolled.json()["status"] == "rolled_back"
    assert not Observation.objects.filter(metric__code="continuity_of_care").exists()

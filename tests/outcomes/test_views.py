"""The data pages: upload, preview, apply, roll back, and entering a value by hand."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outcomes import services
from outcomes.models import ImportBatch, Observation

pytestmark = pytest.mark.django_db

GOOD = "continuity_of_care,E08000018,2022/23,41.5\n"
BAD = "continuity_of_care,E08000019,2022/23,50\n"


def upload(client, text: str, name="figures.csv", format="tidy"):
    file = SimpleUploadedFile(name, ("metric,area_code,period,value\n" + text).encode())
    return client.post("/partnerships/rotherham/data/imports/new/",
                       {"file": file, "format": format}, follow=True)


def test_upload_preview_apply_and_roll_back(client, tenants):
    client.force_login(tenants.users["a_analyst"])
    page = upload(client, GOOD + BAD)
    html = page.content.decode()
    assert "What this import would do" in html
    assert "area E08000019 is not in Rotherham CDP" in html
    assert not Observation.objects.filter(metric__code="continuity_of_care").exists()
    batch = ImportBatch.objects.get(file_name="figures.csv")

    # With rejected rows, applying needs the user's say-so.
    refused = client.post(f"/partnerships/rotherham/data/imports/{batch.pk}/apply/")
    assert refused.status_code == 400
    assert "Confirm that you want to leave out the rejected rows" in refused.content.decode()
    applied = client.post(f"/partnerships/rotherham/data/imports/{batch.pk}/apply/",
                          {"accept_valid": "on"}, follow=True)
    assert "Imported: 1 new, 0 changed, 0 unchanged." in applied.content.decode()
    assert Observation.objects.get(metric__code="continuity_of_care").value == 41.5

    rolled = client.post(f"/partnerships/rotherham/data/imports/{batch.pk}/roll-back/",
                         follow=True)
    assert "Rolled back: 1 rows removed and 0 restored." in rolled.content.decode()
    assert not Observation.objects.filter(metric__code="continuity_of_care").exists()


def test_a_file_that_is_not_the_chosen_format_fails_clearly(client, tenants):
    client.force_login(tenants.users["a_analyst"])
    page = upload(client, GOOD, format="fingertips")
    assert "this is not a Fingertips download" in page.content.decode()
    assert ImportBatch.objects.get(file_name="figures.csv").status == "failed"


def test_upload_without_a_file_is_a_form_error(client, tenants):
    client.force_login(tenants.users["a_analyst"])
    response = client.post("/partnerships/rotherham/data/imports/new/", {"format": "tidy"})
    assert "Select a file to upload" in response.content.decode()


def test_a_large_file_is_checked_by_a_task_with_progress(
    client, tenants, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BACKGROUND_BYTES", 10)
    client.force_login(tenants.users["a_analyst"])
    file = SimpleUploadedFile("big.csv", ("metric,area_code,period,value\n" + GOOD).encode())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/partnerships/rotherham/data/imports/new/",
                               {"file": file, "format": "tidy"})
    batch = ImportBatch.objects.get(file_name="big.csv")
    page = client.get(response["Location"]).content.decode()
    assert batch.status == "queued"
    assert 'data-import-progress-url="' in page and "<progress" in page
    assert "js/import-progress" in page
    progress = client.get(f"/partnerships/rotherham/data/imports/{batch.pk}/progress/").json()
    assert progress["status"] == "queued"

    for callback in callbacks:  # the worker's turn (tasks run in process here)
        callback()
    batch.refresh_from_db()
    assert batch.status == "preview" and batch.inserted == 1
    progress = client.get(f"/partnerships/rotherham/data/imports/{batch.pk}/progress/").json()
    assert progress == {"status": "preview", "done": 1, "total": 1, "percent": 100}


def test_enter_a_value_by_hand(client, tenants):
    client.force_login(tenants.users["a_admin"])
    form = client.get("/partnerships/rotherham/data/values/new/").content.decode()
    assert "Number of county lines closed" in form
    assert 'value="E08000018"' in form and "E06000005" not in form
    metric_id = re.search(r'<option value="(\d+)"[^>]*>\s*Number of county lines closed', form)[1]
    data = {"metric": metric_id, "area_code": "E08000018", "period": "2023/24 Q2",
            "value": "3", "source": "South Yorkshire Police"}
    response = client.post("/partnerships/rotherham/data/values/new/", data, follow=True)
    assert "value saved" in response.content.decode()
    saved = Observation.objects.get(metric__code="county_lines_closed")
    assert (saved.value, saved.period_label, saved.source) == (3.0, "2023/24 Q2",
                                                               "South Yorkshire Police")
    assert saved.batch.format == "manual"

    response = client.post("/partnerships/rotherham/data/values/new/",
                           {**data, "value": "4"}, follow=True)
    assert "value updated" in response.content.decode()
    assert Observation.objects.get(metric__code="county_lines_closed").value == 4.0


def test_a_hand_entered_value_is_checked_like_a_file(client, tenants):
    client.force_login(tenants.users["a_admin"])
    form = client.get("/partnerships/rotherham/data/values/new/").content.decode()
    metric_id = re.search(r'<option value="(\d+)"[^>]*>\s*Number of county lines closed', form)[1]
    response = client.post("/partnerships/rotherham/data/values/new/", {
        "metric": metric_id, "area_code": "E08000018", "period": "the summer", "value": "3"})
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "The time period cannot be read" in html
    response = client.post("/partnerships/rotherham/data/values/new/", {
        "metric": metric_id, "area_code": "E08000018", "period": "2023/24"})
    assert "Enter the value, or a note saying why there is none" in response.content.decode()
    assert not Observation.objects.filter(metric__code="county_lines_closed").exists()


def test_every_row_left_out_can_be_downloaded(client, tenants):
    client.force_login(tenants.users["a_analyst"])
    upload(client, GOOD + BAD)
    batch = ImportBatch.objects.get(file_name="figures.csv")
    response = client.get(f"/partnerships/rotherham/data/imports/{batch.pk}/rows-left-out.csv")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines() == [
        "line,what_happened,why", "3,rejected,area E08000019 is not in Rotherham CDP"]

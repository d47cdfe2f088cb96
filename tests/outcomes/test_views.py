"""The data pages: upload, preview, apply, roll back, and entering a value by hand."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outcomes.models import ImportBatch, Observation
from outcomes.services import imports

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
    refused = client.post(f"/partnerships/rotherham/data/imports/{batch.pk}/")
    assert refused.status_code == 400
    assert "Confirm that you want to leave out the rejected rows" in refused.content.decode()
    applied = client.post(f"/partnerships/rotherham/data/imports/{batch.pk}/",
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
    monkeypatch.setattr(imports, "BACKGROUND_BYTES", 10)
    client.force_login(tenants.users["a_analyst"])
    file = SimpleUploadedFile("big.csv", ("metric,area_code,period,value\n" + GOOD).encode())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/partnerships/rotherham/data/imports/new/",
                               {"file": file, "format": "tidy"})
    batch = ImportBatch.objects.get(file_name="big.csv")
    page = client.get(response["Location"]).content.decode()
    assert batch.status == "queued"
    assert 'data-progress-url="' in page and "<progress" in page
    assert "js/progress.js" in page
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


# --- Annotations: the pages that add, change and delete a note on a metric ------------------
def annotation_urls(tenants, side="a") -> dict:
    from outcomes.models import Metric

    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)
    note = tenants.annotations[side]
    base = f"/partnerships/rotherham/metrics/{metric.pk}/"
    return {"metric": base, "new": base + "annotations/new/",
            "edit": base + f"annotations/{note.pk}/",
            "delete": base + f"annotations/{note.pk}/delete/"}


def test_a_lead_adds_a_note_with_the_date_input_and_sees_it_on_the_metric_page(client, tenants):
    from outcomes.models import Annotation

    urls = annotation_urls(tenants)
    client.force_login(tenants.users["a_lead"])
    form = client.get(urls["new"]).content.decode()
    # GOV.UK date input (day, month, year) and a character count that works without JS.
    for name in ("date_0", "date_1", "date_2"):
        assert f'name="{name}"' in form
    assert 'data-module="govuk-character-count"' in form and 'data-maxlength="200"' in form
    response = client.post(urls["new"], {"date_0": "1", "date_1": "4", "date_2": "2024",
                                         "text": "Dual diagnosis pathway starts"})
    assert response.status_code == 302
    assert response["Location"] == urls["metric"] + "#annotations"
    note = Annotation.objects.get(text="Dual diagnosis pathway starts")
    assert (note.partnership, note.created_by, str(note.date)) == (
        tenants.a, tenants.users["a_lead"], "2024-04-01")
    page = client.get(urls["metric"]).content.decode()
    assert "Note added: 1 April 2024: Dual diagnosis pathway starts." in page
    assert "Dual diagnosis pathway starts" in page and "Added by A Lead on" in page


def test_the_note_form_says_what_is_wrong(client, tenants):
    urls = annotation_urls(tenants)
    client.force_login(tenants.users["a_analyst"])
    page = client.post(urls["new"], {"date_0": "31", "date_1": "2", "date_2": "2024",
                                     "text": "x" * 201}).content.decode()
    assert "<title>Error: Add a note" in page
    assert "The date must be a real date, for example 1 4 2023" in page
    assert "The note must be 200 characters or fewer" in page
    page = client.post(urls["new"], {"date_0": "", "date_1": "", "date_2": "",
                                     "text": ""}).content.decode()
    assert "Enter the date the note refers to" in page and "Enter the note" in page
    page = client.post(urls["new"], {"date_0": "1", "date_1": "1", "date_2": "1990",
                                     "text": "Long ago"}).content.decode()
    assert "The date must be between 1 January 2000 and" in page


def test_an_analyst_changes_a_note_and_an_admin_deletes_it(client, tenants):
    from outcomes.models import Annotation

    urls = annotation_urls(tenants)
    note = tenants.annotations["a"]
    client.force_login(tenants.users["a_analyst"])
    form = client.get(urls["edit"]).content.decode()
    assert 'value="2023"' in form and "New treatment provider from 1 April (Rotherham CDP)" in form
    assert client.post(urls["edit"], {"date_0": "3", "date_1": "4", "date_2": "2023",
                                      "text": "New provider from 3 April"}).status_code == 302
    note.refresh_from_db()
    assert (str(note.date), note.text) == ("2023-04-03", "New provider from 3 April")

    client.force_login(tenants.users["a_admin"])
    page = client.get(urls["delete"]).content.decode()
    assert "Delete this note?" in page and "New provider from 3 April" in page
    assert client.post(urls["delete"]).status_code == 302
    assert not Annotation.objects.filter(pk=note.pk).exists()


def test_a_note_is_found_only_under_its_own_metric_and_partnership(client, tenants):
    from outcomes.models import Metric

    client.force_login(tenants.users["a_lead"])
    note, theirs = tenants.annotations["a"], tenants.annotations["b"]
    other_metric = Metric.objects.get(code="continuity_of_care", owner=None)
    for url in (f"/partnerships/rotherham/metrics/{other_metric.pk}/annotations/{note.pk}/",
                annotation_urls(tenants)["edit"].replace(str(note.pk), str(theirs.pk)),
                annotation_urls(tenants)["delete"].replace(str(note.pk), str(theirs.pk))):
        assert client.get(url).status_code == 404
        assert client.post(url, {"date_0": "1", "date_1": "1", "date_2": "2024",
                                 "text": "Overwritten"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.text.endswith("(Darlington CDP)")
    # Nor on another partnership's local metric.
    local = Metric.objects.get(owner=tenants.b, code="digital_iba")
    assert client.get(f"/partnerships/rotherham/metrics/{local.pk}/annotations/new/"
                      ).status_code == 404


def test_board_members_and_regional_viewers_read_notes_but_cannot_change_them(client, tenants):
    urls = annotation_urls(tenants)
    for username in ("a_viewer", "regional"):
        client.force_login(tenants.users[username])
        page = client.get(urls["metric"]).content.decode()
        assert "New treatment provider from 1 April (Rotherham CDP)" in page
        assert "Add a note" not in page and "/annotations/" not in page
        for url in (urls["new"], urls["edit"], urls["delete"]):
            assert client.get(url).status_code == 403
            assert client.post(url).status_code == 403
    client.force_login(tenants.users["a_lead"])
    page = client.get(urls["metric"]).content.decode()
    assert "Add a note" in page and urls["edit"] in page and urls["delete"] in page

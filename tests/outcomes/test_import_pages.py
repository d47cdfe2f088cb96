"""The upload page's national reference data choice, the reference imports' pages, and the
preview's confirmation of a new metric's metadata: real files, the real database."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes.models import ImportBatch, Metric, Observation, ReferenceFigure
from outcomes.services import imports

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "alcohol_specific_mortality_91380.csv"
AREAS = {"E92000001", "E12000001", "E06000005", "E06000001"}  # England, NE, Darlington, Hartlepool


def small_file() -> bytes:
    """The real file's rows for four areas, all persons/male/female, no deciles: 132 rows."""
    rows = list(csv.reader(io.StringIO(FIXTURE.read_text(encoding="utf-8-sig"))))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(rows[0])
    writer.writerows(r for r in rows[1:] if r[4] in AREAS and not r[9])
    return buffer.getvalue().encode()


def upload(client, slug="darlington", **fields):
    return client.post(f"/partnerships/{slug}/data/imports/new/", {
        "file": SimpleUploadedFile("91380.csv", small_file()), "format": "fingertips",
        **fields})


def test_only_national_admins_are_offered_the_reference_data(client, tenants):
    client.force_login(tenants.users["b_analyst"])
    page = client.get("/partnerships/darlington/data/imports/new/").content.decode()
    assert "National reference data" not in page
    # Asking for it anyway loads Darlington's own rows, nothing else.
    response = upload(client, destination="reference", create_missing_metrics="on")
    batch = ImportBatch.objects.get(file_name="91380.csv")
    assert batch.partnership == tenants.b
    assert response.url == f"/partnerships/darlington/data/imports/{batch.pk}/"

    client.force_login(tenants.users["superuser"])
    page = client.get("/partnerships/darlington/data/imports/new/").content.decode()
    assert "National reference data: every area&#x27;s published figures" in page


@pytest.mark.usefixtures("untracked_91380")
def test_a_national_admin_loads_the_reference_data_from_the_upload_page(client, tenants):
    client.force_login(tenants.users["superuser"])
    response = upload(client, destination="reference", create_missing_metrics="on")
    batch = ImportBatch.objects.get(file_name="91380.csv")
    assert batch.is_reference and batch.status == "preview"
    assert response.url == f"/data/reference-imports/{batch.pk}/"
    page = client.get(response.url).content.decode()
    assert "National reference data" in page and "Import 132 values" in page
    assert "Fingertips indicator 91380: Alcohol-specific mortality" in page
    applied = client.post(response.url, {
        "metric_91380_polarity": "lower_better", "metric_91380_value_type": "dsr",
        "metric_91380_unit": "rate_per_100000", "metric_91380_period_years": "3"})
    assert applied.status_code == 302
    assert ReferenceFigure.objects.filter(batch=batch).count() == 132
    metric = Metric.objects.get(fingertips_id=91380)
    assert (metric.owner, metric.value_type) == (None, "dsr")
    listing = client.get("/data/reference-imports/").content.decode()
    assert f'href="/data/reference-imports/{batch.pk}/"' in listing
    client.post(f"/data/reference-imports/{batch.pk}/roll-back/")
    assert not ReferenceFigure.objects.exists()
    # Nobody else sees it, by any URL.
    client.force_login(tenants.users["b_admin"])
    assert client.get(f"/data/reference-imports/{batch.pk}/").status_code == 403
    assert client.get(f"/partnerships/darlington/data/imports/{batch.pk}/").status_code == 404


@pytest.mark.usefixtures("untracked_91380")
def test_the_preview_shows_what_was_inferred_and_the_analyst_can_change_it(client, tenants):
    client.force_login(tenants.users["b_analyst"])
    response = upload(client, create_missing_metrics="on")
    page = client.get(response.url).content.decode()
    assert "New metric this import creates" in page
    assert "Polarity: lower is better" in page
    assert "Likely a directly standardised rate" in page or "likely a directly" in page
    assert '<option value="lower_better" selected>' in page
    assert '<option value="3" selected>' in page
    assert "Import 33 values" in page  # Darlington's; the rest are listed as skipped
    assert ("99 rows: published figures for other areas: taken from the national reference "
            "data, which does not yet hold any figures for Alcohol-specific mortality") in page
    client.post(response.url, {
        "metric_91380_polarity": "no_judgement", "metric_91380_value_type": "dsr",
        "metric_91380_unit": "rate_per_100000", "metric_91380_period_years": "3"})
    metric = Metric.objects.get(fingertips_id=91380)
    assert (metric.owner, metric.polarity, metric.value_type, metric.frequency) == (
        tenants.b, "no_judgement", "dsr", "rolling_3y")
    assert Observation.objects.filter(partnership=tenants.b, metric=metric).count() == 33


def test_nothing_to_import_is_said_not_an_error(client, tenants):
    imports.submit(partnership=None, user=tenants.users["superuser"], file_name="ref.csv",
                   data=small_file(), format="fingertips", create_missing_metrics=True,
                   background=False)
    client.force_login(tenants.users["a_analyst"])  # Rotherham: none of these areas
    response = upload(client, slug="rotherham")
    page = client.get(response.url).content.decode()
    assert "Finish: nothing to import" in page
    assert ("132 rows: published figures for other areas: taken from the national "
            "reference data") in page
    done = client.post(response.url, follow=True).content.decode()
    assert "Nothing new to import" in done
    assert ImportBatch.objects.get(partnership=tenants.a, file_name="91380.csv").status == (
        "complete")


def queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_reference_pages_query_counts_are_pinned_and_flat(client, tenants):
    superuser = tenants.users["superuser"]
    first = imports.submit(partnership=None, user=superuser, file_name="ref.csv",
                           data=small_file(), format="fingertips", background=False,
                           preview=True).batch
    client.force_login(superuser)
    pages = ["/data/reference-imports/", f"/data/reference-imports/{first.pk}/"]
    before = [queries(client, url) for url in pages]
    for n in range(4):
        imports.submit(partnership=None, user=superuser, file_name=f"ref{n}.csv",
                       data=small_file(), format="fingertips", background=False)
    after = [queries(client, url) for url in pages]
    assert before == after == [3, 5]  # no session renewal within a minute (cdp/sessions.py)


def test_applying_without_the_metadata_fields_keeps_what_was_inferred(client, tenants):
    client.force_login(tenants.users["b_analyst"])
    response = upload(client, create_missing_metrics="on")
    assert client.post(response.url).status_code == 302
    metric = Metric.objects.get(fingertips_id=91380)
    assert (metric.polarity, metric.period_years, metric.frequency) == (
        "lower_better", 3, "rolling_3y")

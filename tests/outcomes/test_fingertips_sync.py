"""The scheduled Fingertips sync against a real local HTTP server (pytest-httpserver).

The server answers as Fingertips' public API does (ukhsa-collaboration/fingertips-open,
PholioVisualisationWS/ServicesWeb/Controllers): `indicator_metadata/by_indicator_id` is JSON,
a dictionary keyed by indicator id whose entries carry "DataChange": {"LastUploadedAt": …}
(IndicatorMetadataController, and fingertipsR's `indicator_update_information`);
`all_data/csv/by_indicator_id` is the download's CSV sent as application/octet-stream with a
Content-Length (FileResponseBuilder). The CSV is built from the real OHID file in fixtures/.
"""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from werkzeug import Response

from outcomes.fingertips.client import FingertipsClient
from outcomes.models import FingertipsIndicator, ImportBatch, Metric, ReferenceFigure
from outcomes.services import sync

pytestmark = pytest.mark.django_db

FIXTURE = Path(django_settings.BASE_DIR) / "fixtures" / "alcohol_specific_mortality_91380.csv"
INDICATOR = 91380
AREA_TYPE = 102  # "County & UA (pre 4/19)", the file's area type
CSV_PATH = "/api/all_data/csv/by_indicator_id"
METADATA_PATH = "/api/indicator_metadata/by_indicator_id"
FIRST_UPLOAD = "2019-11-05T09:30:12.347"
SECOND_UPLOAD = "2020-02-04T09:30:00"


def fixture_rows() -> tuple[list[str], list[list[str]]]:
    """England, the regions and the North East's authorities, Persons, no breakdown: a
    real-format file small enough to apply in every test."""
    with FIXTURE.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        at = {name: i for i, name in enumerate(header)}
        rows = [r for r in reader
                if r[at["Sex"]] == "Persons" and not r[at["Category Type"]]
                and (r[at["Area Type"]] in ("England", "Region")
                     or r[at["Parent Code"]] == "E12000001")]
    return header, rows


def csv_bytes(header, rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue().encode()


HEADER, ROWS = fixture_rows()
BODY = csv_bytes(HEADER, ROWS)


def metadata(stamp: str | None, ids=(INDICATOR,)) -> dict:
    """The shape of Fingertips' answer: {"91380": {"IID": 91380, …, "DataChange": {…}}}."""
    return {str(i): {"IID": i, "Descriptive": {"Name": "Alcohol-specific mortality"},
                     "DataChange": {"LastUploadedAt": stamp, "HasDataChangedRecently": False}}
            for i in ids}


def csv_response(body: bytes = BODY, **headers) -> Response:
    headers = {"Content-Disposition": 'attachment; filename="indicators.data.csv"', **headers}
    return Response(body, status=200, content_type="application/octet-stream", headers=headers)


@pytest.fixture
def fingertips(httpserver, settings):
    """Settings pointing at the local server, with tiny timeouts and no waits between tries."""
    settings.FINGERTIPS_API_URL = httpserver.url_for("/api/")
    settings.FINGERTIPS_CONNECT_TIMEOUT = 2
    settings.FINGERTIPS_READ_TIMEOUT = 0.5
    settings.FINGERTIPS_DOWNLOAD_TIMEOUT = 10
    settings.FINGERTIPS_ATTEMPTS = 3
    settings.FINGERTIPS_RETRY_SECONDS = 0
    settings.FINGERTIPS_RETRY_MAX_SECONDS = 0
    settings.FINGERTIPS_STOP_AFTER = 3
    return httpserver


@pytest.fixture
def metric(db):
    """The catalogue's alcohol-specific mortality, pinned to the file's area type."""
    metric = Metric.objects.get(fingertips_id=INDICATOR, owner=None)
    metric.fingertips_area_type_id = AREA_TYPE
    metric.save(update_fields=["fingertips_area_type_id"])
    return metric


def serve_metadata(server, stamp: str | None = FIRST_UPLOAD) -> None:
    server.expect_request(METADATA_PATH).respond_with_json(metadata(stamp))


def csv_requests(server) -> int:
    return sum(1 for request, _ in server.log if request.path == CSV_PATH)


def run(**kwargs) -> sync.SyncReport:
    return sync.sync_run(indicator_ids=[INDICATOR], **kwargs)


def figures() -> dict:
    return {(f.area_code, f.period_label): f.value
            for f in ReferenceFigure.objects.filter(metric__fingertips_id=INDICATOR)}


def the_indicator() -> FingertipsIndicator:
    return FingertipsIndicator.objects.get(indicator_id=INDICATOR)


# --- What it fetches --------------------------------------------------------------------------
def test_fetches_a_changed_indicator_once_and_applies_it_as_the_sync_user(fingertips, metric):
    serve_metadata(fingertips)
    fingertips.expect_request(CSV_PATH).respond_with_response(csv_response())

    report = run()

    assert [o.action for o in report.outcomes] == ["fetched"]
    batch = ImportBatch.objects.get(pk=report.outcomes[0].batch_id)
    assert batch.is_reference and batch.status == ImportBatch.Status.COMPLETE
    assert batch.created_by.username == "fingertips-sync"
    assert not batch.created_by.is_active and not batch.created_by.has_usable_password()
    assert batch.inserted == len(ROWS) == len(figures())
    darlington = ReferenceFigure.objects.get(metric=metric, area_code="E06000005",
                                             period_label="2016 - 18", sex="Persons")
    assert darlington.value == pytest.approx(float(next(
        r[HEADER.index("Value")] for r in ROWS
        if r[HEADER.index("Area Code")] == "E06000005" and r[HEADER.index("Time period")]
        == "2016 - 18")))
    assert darlington.area_type == "County & UA (pre 4/19)"
    row = the_indicator()
    assert row.state == FingertipsIndicator.State.OK and row.metric == metric
    assert row.synced_uploaded_at == row.published_uploaded_at == FIRST_UPLOAD
    assert row.last_batch == batch

    # The request asked for the pinned area type, the regions as parents, sortable periods.
    request = next(r for r, _ in fingertips.log if r.path == CSV_PATH)
    assert request.args["indicator_ids"] == str(INDICATOR)
    assert request.args["child_area_type_id"] == str(AREA_TYPE)
    assert request.args["parent_area_type_id"] == "6"
    assert request.args["include_sortable_time_periods"] == "yes"
    assert request.args["timestamp"].isdigit()

    # The same LastUploadedAt again: nothing is fetched, nothing new is written.
    again = run()
    assert [o.action for o in again.outcomes] == ["unchanged"]
    assert csv_requests(fingertips) == 1
    assert ImportBatch.objects.count() == 1


def test_a_new_upload_of_the_same_file_changes_no_figure(fingertips, metric):
    serve_metadata(fingertips)
    fingertips.expect_request(CSV_PATH).respond_with_response(csv_response())
    run()
    before = figures()
    fingertips.clear()
    serve_metadata(fingertips, SECOND_UPLOAD)
    fingertips.expect_request(CSV_PATH).respond_with_response(csv_response())

    report = run()

    assert [o.action for o in report.outcomes] == ["fetched"]
    batch = ImportBatch.objects.get(pk=report.outcomes[0].batch_id)
    assert (batch.inserted, batch.updated, batch.unchanged) == (0, 0, len(ROWS))
    assert figures() == before
    assert the_indicator().synced_uploaded_at == SECOND_UPLOAD


def test_metadata_is_asked_in_batches_of_at_most_100(fingertips):
    asked = []

    def answer(request):
        ids = [int(i) for i in request.args["indicator_ids"].split(",")]
        asked.append(ids)
        return Response(json.dumps(metadata("2024-01-01T00:00:00", ids)),
                        content_type="application/json; charset=utf-8")

    fingertips.expect_request(METADATA_PATH).respond_with_handler(answer)
    client = FingertipsClient.from_settings()

    found = client.last_uploaded(range(1, 251))

    assert [len(ids) for ids in asked] == [100, 100, 50]
    assert found[250] == "2024-01-01T00:00:00" and len(found) == 250


# --- Faults: nothing partial is ever written ----------------------------------------------
def assert_nothing_written(report, reason: str) -> None:
    assert [o.action for o in report.outcomes] == ["failed"]
    assert reason in report.outcomes[0].detail
    assert not ReferenceFigure.objects.exists()
    assert not ImportBatch.objects.exists()
    row = the_indicator()
    assert row.state == FingertipsIndicator.State.FAILING
    assert row.consecutive_failures == 1 and reason in row.last_failure
    assert row.synced_uploaded_at == ""


def test_a_server_slower_than_the_timeout_writes_nothing(fingertips, metric):
    serve_metadata(fingertips)

    def slow(request):
        time.sleep(1.0)  # the read timeout is 0.5 s
        return csv_response()

    fingertips.expect_request(CSV_PATH).respond_with_handler(slow)

    started = time.monotonic()
    report = run()

    assert_nothing_written(report, "timeout")
    # Three tries of 0.5 s each (the one-thread server is still asleep on the first).
    assert 1.4 < time.monotonic() - started < 5
    # Each try reached the server, which answers the queued ones after it wakes: wait for
    # them, so that none lands in the next test's log.
    deadline = time.monotonic() + 10
    while csv_requests(fingertips) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert csv_requests(fingertips) == 3


def test_a_500_then_a_good_answer_is_retried(fingertips, metric):
    serve_metadata(fingertips)
    answers = iter([Response("Server Error", status=500, content_type="text/html"),
                    csv_response()])
    fingertips.expect_request(CSV_PATH).respond_with_handler(lambda request: next(answers))

    report = run()

    assert [o.action for o in report.outcomes] == ["fetched"]
    assert csv_requests(fingertips) == 2
    assert len(figures()) == len(ROWS)
    assert the_indicator().consecutive_failures == 0


@pytest.mark.parametrize("answer, reason", [
    # Cut mid-row, the length announced matching what was sent.
    (lambda: csv_response(BODY[: len(BODY) // 2]), "cut short"),
    # Cut short of the Content-Length announced: the connection closes early.
    (lambda: csv_response(BODY[: len(BODY) // 2], **{"Content-Length": str(len(BODY))}),
     "cut short"),
    # A proxy's error page, sent with 200.
    (lambda: Response("<!DOCTYPE html><html><body>Service unavailable</body></html>",
                      status=200, content_type="text/html; charset=utf-8"), "text/html"),
    # JSON where a CSV was asked for.
    (lambda: Response('{"message": "An error has occurred."}', status=200,
                      content_type="application/json"), "application/json"),
], ids=["truncated", "shorter-than-announced", "html-error-page", "json"])
def test_a_truncated_or_wrong_answer_writes_nothing(fingertips, metric, answer, reason):
    serve_metadata(fingertips)
    fingertips.expect_request(CSV_PATH).respond_with_handler(lambda request: answer())

    report = run()

    assert_nothing_written(report, reason)


def test_500_forever_stops_the_indicator_and_says_so(fingertips, metric, client, tenants,
                                                     settings):
    settings.METRICS_TOKEN = "t" * 32
    serve_metadata(fingertips)
    fingertips.expect_request(CSV_PATH).respond_with_data("Server Error", status=500)

    for _ in range(3):
        run()

    row = the_indicator()
    assert row.state == FingertipsIndicator.State.STOPPED
    assert row.consecutive_failures == 3 and row.failures_total == 3
    assert "Stopped after 3 failed runs in a row" in row.stopped_reason
    assert "500" in row.stopped_reason
    assert csv_requests(fingertips) == 9  # 3 runs of 3 tries
    assert not ReferenceFigure.objects.exists()

    # The schedule leaves it alone now.
    assert [o.action for o in run().outcomes] == ["stopped"]
    assert csv_requests(fingertips) == 9

    # /healthz: degraded, but the web is healthy.
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["fingertips_sync"]["status"] == "degraded"
    assert health.json()["fingertips_sync"]["stopped"] == 1

    # /metrics: a gauge by state and a counter of failures.
    scraped = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {'t' * 32}").content.decode()
    assert 'cdp_fingertips_sync_indicators{state="stopped"} 1.0' in scraped
    assert (f'cdp_fingertips_sync_failures_total{{area_type="{AREA_TYPE}",'
            f'indicator="{INDICATOR}"}} 3.0') in scraped

    # The national admin's page shows it, and "Sync now" restarts it.
    client.force_login(tenants.users["superuser"])
    page = client.get("/data/fingertips-sync/").content.decode()
    assert "Stopped" in page and "Stopped after 3 failed runs in a row" in page
    fingertips.clear()
    serve_metadata(fingertips)
    fingertips.expect_request(CSV_PATH).respond_with_response(csv_response())
    response = client.post("/data/fingertips-sync/", {"indicator": row.pk}, follow=True)
    assert "1 stopped indicator restarted" in response.content.decode()
    row.refresh_from_db()
    assert row.state == FingertipsIndicator.State.OK and row.consecutive_failures == 0
    assert len(figures()) == len(ROWS)
    assert client.get("/healthz").json()["fingertips_sync"]["status"] == "ok"


def test_reordered_and_extra_columns_are_read_by_name(fingertips, metric):
    order = list(reversed(HEADER)) + ["Time period range", "Something new"]
    rows = [[dict(zip(HEADER, r, strict=True)).get(name, "") or ("x" if name == "Something new"
             else "") for name in order] for r in ROWS]
    serve_metadata(fingertips)
    fingertips.expect_request(CSV_PATH).respond_with_response(csv_response(csv_bytes(order, rows)))

    report = run()

    assert [o.action for o in report.outcomes] == ["fetched"]
    plain = {(r[HEADER.index("Area Code")], r[HEADER.index("Time period")]):
             float(r[HEADER.index("Value")]) for r in ROWS if r[HEADER.index("Value")]}
    assert {k: v for k, v in figures().items() if v is not None} == pytest.approx(plain)


def test_rolling_back_a_sync_batch_restores_the_previous_figures(fingertips, metric, tenants):
    from outcomes.services import imports

    serve_metadata(fingertips)
    fingertips.expect_request(CSV_PATH).respond_with_response(csv_response())
    run()
    before = figures()
    value_at = HEADER.index("Value")
    revised = [[*r[:value_at], f"{float(r[value_at]) + 1:.6f}" if r[value_at] else "",
                *r[value_at + 1:]] for r in ROWS]
    fingertips.clear()
    serve_metadata(fingertips, SECOND_UPLOAD)
    fingertips.expect_request(CSV_PATH).respond_with_response(
        csv_response(csv_bytes(HEADER, revised)))
    report = run()
    batch = ImportBatch.objects.get(pk=report.outcomes[0].batch_id)
    assert batch.updated == sum(1 for r in ROWS if r[value_at])
    assert figures() != before

    imports.import_rollback(batch=batch, user=tenants.users["superuser"])

    assert figures() == before


# --- Operation --------------------------------------------------------------------------------
def test_the_command_dry_run_says_what_would_be_fetched_and_writes_nothing(fingertips, metric):
    serve_metadata(fingertips)
    out = io.StringIO()

    call_command("sync_fingertips", "--indicator", str(INDICATOR), "--dry-run", stdout=out)

    assert f"{INDICATOR} at area type {AREA_TYPE}: would fetch" in out.getvalue()
    assert "Dry run, nothing written" in out.getvalue()
    assert csv_requests(fingertips) == 0
    assert not FingertipsIndicator.objects.exists()
    assert not ImportBatch.objects.exists()


def test_the_command_fetches_and_exits_1_when_an_indicator_fails(fingertips, metric):
    serve_metadata(fingertips)
    fingertips.expect_request(CSV_PATH).respond_with_response(csv_response())
    out = io.StringIO()
    call_command("sync_fingertips", "--indicator", str(INDICATOR), stdout=out)
    assert "fetched" in out.getvalue()

    fingertips.clear()
    serve_metadata(fingertips, SECOND_UPLOAD)
    fingertips.expect_request(CSV_PATH).respond_with_data("no", status=503)
    with pytest.raises(CommandError, match="failed"):
        call_command("sync_fingertips", "--indicator", str(INDICATOR), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not configured"):
        call_command("sync_fingertips", "--indicator", "1", stdout=io.StringIO())


def test_the_catalogues_indicators_are_configured_and_asked_together(fingertips, metric):
    catalogue = set(Metric.objects.filter(owner=None, fingertips_id__isnull=False)
                    .values_list("fingertips_id", flat=True))
    fingertips.expect_request(METADATA_PATH).respond_with_json(metadata(None, catalogue))

    report = sync.sync_run(dry_run=True)

    assert {o.indicator_id for o in report.outcomes} == catalogue
    asked = next(r for r, _ in fingertips.log if r.path == METADATA_PATH)
    assert set(map(int, asked.args["indicator_ids"].split(","))) == catalogue
    assert not FingertipsIndicator.objects.exists()  # a dry run writes nothing
    sync.sync_configure()
    assert set(FingertipsIndicator.objects.values_list("indicator_id", flat=True)) == catalogue


def test_a_national_admin_adds_an_indicator(client, tenants):
    client.force_login(tenants.users["superuser"])

    response = client.post("/data/fingertips-sync/", {
        "indicator_id": "90808", "child_area_type_id": "502", "parent_area_type_id": "6"})

    assert response.status_code == 302
    added = FingertipsIndicator.objects.get(indicator_id=90808)
    assert (added.child_area_type_id, added.parent_area_type_id) == (502, 6)
    assert added.added_by == tenants.users["superuser"]
    again = client.post("/data/fingertips-sync/", {
        "indicator_id": "90808", "child_area_type_id": "502", "parent_area_type_id": "6"})
    assert again.status_code == 400 and "already synced" in again.content.decode()


def test_the_beat_entry_exists_only_when_the_sync_is_enabled(settings):
    from celery import Celery

    from cdp.celery import _fingertips_schedule

    for enabled in (False, True):
        settings.FINGERTIPS_SYNC_ENABLED = enabled
        app = Celery("probe", set_as_current=False)  # not the app the other tests use
        app.conf.beat_schedule = {}
        _fingertips_schedule(app)
        assert ("sync-fingertips" in app.conf.beat_schedule) is enabled


def test_the_sync_is_off_by_default_and_on_in_compose():
    import subprocess
    import sys

    import yaml

    compose = yaml.safe_load((Path(django_settings.BASE_DIR) / "docker-compose.yml").read_text())
    for service in ("worker", "beat", "web"):
        environment = compose["services"][service]["environment"]
        assert environment["FINGERTIPS_SYNC_ENABLED"].endswith(":-true}")
        assert "FINGERTIPS_API_URL" in environment
    probe = ("import os; os.environ.pop('FINGERTIPS_SYNC_ENABLED', None); "
             "os.environ['DJANGO_DEBUG'] = '1'; import cdp.settings as s; "
             "print(s.FINGERTIPS_SYNC_ENABLED, s.FINGERTIPS_API_URL)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=django_settings.BASE_DIR, check=True).stdout
    assert out.split() == ["False", "https://fingertips.phe.org.uk/api/"]


def test_an_indicator_fingertips_does_not_know_fails_without_a_download(fingertips, metric):
    fingertips.expect_request(METADATA_PATH).respond_with_json({})  # as for an unknown id

    report = run()

    assert [o.action for o in report.outcomes] == ["failed"]
    assert "Fingertips has no indicator 91380" in the_indicator().last_failure
    assert csv_requests(fingertips) == 0 and not ImportBatch.objects.exists()

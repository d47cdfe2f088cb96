"""/healthz reports the database, the broker and the last summary run."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outcomes.models import SummaryRun

pytestmark = pytest.mark.django_db


def test_embedded_default_reports_eager_broker(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok", "broker": "eager", "last_summary_run": None,
        # The Fingertips sync is off in the embedded default, and has never run.
        "fingertips_sync": {"status": "off", "enabled": False, "indicators": 0, "failing": 0,
                            "stopped": 0, "last_synced": None},
    }
    assert "no-cache" in response["Cache-Control"]


def test_real_broker_answers(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_broker_down_is_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


def test_last_successful_summary_run_is_reported(client):
    now = timezone.now()
    SummaryRun.objects.create(
        started_at=now - timedelta(hours=2),
        finished_at=now - timedelta(hours=2) + timedelta(seconds=5),
        status=SummaryRun.Status.SUCCEEDED,
    )
    latest = SummaryRun.objects.create(
        started_at=now - timedelta(hours=1),
        finished_at=now - timedelta(hours=1) + timedelta(seconds=5),
        status=SummaryRun.Status.SUCCEEDED,
    )
    # A failed or unfinished run is not a summary anyone can read.
    SummaryRun.objects.create(started_at=now, finished_at=now, status=SummaryRun.Status.FAILED)
    SummaryRun.objects.create(started_at=now, status=SummaryRun.Status.RUNNING)

    reported = client.get("/healthz").json()["last_summary_run"]
    assert reported == latest.finished_at.isoformat()


def test_healthz_is_read_only(client):
    assert client.post("/healthz").status_code == 405

"""Health of the parts the app depends on, for /healthz."""

from django.conf import settings
from django.db import connection
from kombu import Connection

from outcomes.fingertips.selectors import sync_status
from outcomes.selectors import summary_run_last_finished_at


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means the database is unavailable
        return "unavailable"
    return "ok"


def broker_status() -> str:
    """'ok', 'unavailable', or 'eager' when no broker is configured (tasks run in process)."""
    if not settings.CELERY_BROKER_URL:
        return "eager"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001 - any failure means the broker is unavailable
        return "unavailable"
    return "ok"


def fingertips_sync_report() -> dict:
    """The Fingertips sync: 'degraded' while an indicator fails or is stopped (a national
    admin's "Sync now" restarts it). It never makes the service unhealthy: the web serves
    the figures it holds."""
    status = sync_status()
    return {
        "status": status["status"],
        "enabled": status["enabled"],
        "indicators": status["indicators"],
        "failing": status["failing"],
        "stopped": status["stopped"],
        "last_synced": status["last_synced_at"].isoformat() if status["last_synced_at"]
        else None,
    }


def health_report() -> tuple[dict, bool]:
    """The report and whether the app is healthy enough to serve."""
    database = database_status()
    broker = broker_status()
    last_run = summary_run_last_finished_at() if database == "ok" else None
    report = {
        "database": database,
        "broker": broker,
        "last_summary_run": last_run.isoformat() if last_run else None,
    }
    if database == "ok":
        report["fingertips_sync"] = fingertips_sync_report()
    return report, database == "ok" and broker in {"ok", "eager"}

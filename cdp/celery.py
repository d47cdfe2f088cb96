"""The Celery application. Worker: `celery -A cdp worker`; beat: `celery -A cdp beat`."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdp.settings")

app = Celery("cdp")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The worker logs through Django's LOGGING (JSON lines with the request id), not handlers of
# its own in place of them.
app.conf.worker_hijack_root_logger = False
app.autodiscover_tasks()

# Periodic work. Beat must run as exactly one process.
app.conf.beat_schedule = {
    # Everything, nightly: ranks among partnerships and anything left out of date.
    "recompute-all-summaries": {
        "task": "outcomes.tasks.recompute_all_summaries",
        "schedule": crontab(hour=2, minute=30),
    },
    # Partnerships whose recompute could not be queued (the broker was down): soon after.
    "recompute-dirty-summaries": {
        "task": "outcomes.tasks.recompute_dirty_summaries",
        "schedule": crontab(minute="*/10"),
    },
    # Leads' weekly digests: daily, each lead on the day they chose (Monday by default).
    "send-due-digests": {
        "task": "actionplans.tasks.send_due_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Board packs lost on the way (a worker stopped at its hard time limit): said so.
    "fail-stale-board-packs": {
        "task": "cdp.tasks.fail_stale_board_packs",
        "schedule": crontab(minute="*/10"),
    },
    # Checked imports nobody confirmed within IMPORT_PREVIEW_TTL_HOURS: expired, files deleted.
    "expire-import-previews": {
        "task": "cdp.tasks.expire_import_previews",
        "schedule": crontab(minute=20),
    },
    "clear-expired-sessions": {
        "task": "cdp.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
}


@app.on_after_finalize.connect
def _fingertips_schedule(sender, **_) -> None:
    """The Fingertips sync, daily at 05:30, only when FINGERTIPS_SYNC_ENABLED (on in
    docker-compose.yml; off in the embedded demo, which has no internet)."""
    from django.conf import settings

    if settings.FINGERTIPS_SYNC_ENABLED:
        sender.conf.beat_schedule["sync-fingertips"] = FINGERTIPS_BEAT_ENTRY


FINGERTIPS_BEAT_ENTRY = {
    "task": "outcomes.tasks.sync_fingertips",
    "schedule": crontab(hour=5, minute=30),
}

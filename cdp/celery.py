"""The Celery application. Worker: `celery -A cdp worker`; beat: `celery -A cdp beat`."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdp.settings")

app = Celery("cdp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work. Beat must run as exactly one process.
app.conf.beat_schedule = {
    "clear-expired-sessions": {
        "task": "cdp.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
}

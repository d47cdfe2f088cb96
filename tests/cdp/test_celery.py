"""Celery: configuration, and real tasks carried end to end by a worker over the real Redis."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from cdp import tasks
from cdp.celery import app


def test_tasks_are_acknowledged_late_and_time_limited():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit
    # A message must not be redelivered while its task may still be running.
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit


def test_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    assert app.conf.beat_schedule
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_embedded_default_runs_tasks_in_process():
    # `make test` sets no CELERY_BROKER_URL, so the application itself runs tasks eagerly.
    assert settings.CELERY_BROKER_URL == ""
    assert app.conf.task_always_eager is True
    assert tasks.ping.delay().get() == "pong"


def test_worker_answers_over_redis(celery_app, celery_worker, redis_url):
    assert celery_app.conf.broker_url == redis_url
    assert celery_app.conf.task_always_eager is False
    result = tasks.ping.delay()
    assert result.get(timeout=20) == "pong"
    assert result.successful()


@pytest.mark.django_db(transaction=True)
def test_worker_clears_expired_sessions(celery_app, celery_worker):
    expired, live = SessionStore(), SessionStore()
    expired.create()
    live.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )

    removed = tasks.clear_expired_sessions.delay().get(timeout=20)

    assert removed == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]

"""Project-wide Celery tasks. Each takes ids or nothing, and calls one service."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="cdp.tasks.ping")
def ping() -> str:
    """Answers 'pong': proves a worker is consuming from the broker."""
    return "pong"


@shared_task(name="cdp.tasks.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Deletes expired sign-in sessions; returns how many were removed."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted

"""Celery tasks of the action plans app. Each takes ids, re-fetches, and calls one service."""

from __future__ import annotations

import smtplib
from datetime import date

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from partnerships.models import Partnership

from .services import digests


@shared_task(name="actionplans.tasks.send_due_digests")
def send_due_digests(on: str | None = None) -> list[str]:
    """Daily (beat): queues the weekly digest of every lead whose day it is. `on` is an ISO
    date, today (settings.TIME_ZONE) if not given. Returns the queued tasks' ids."""
    day = date.fromisoformat(on) if on else timezone.localdate()
    return digests.digests_dispatch(on=day)


@shared_task(
    name="actionplans.tasks.send_digest",
    # The mail server refused or timed out: the claim was marked failed, so a retry may send.
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=60, retry_backoff_max=30 * 60, max_retries=5,
)
def send_digest(partnership_id: int, lead_id: int, on: str) -> str:
    """One lead's digest for one partnership, for the ISO week of `on` (the day it was queued
    for, so that a retry after midnight still counts as that week's). Idempotent."""
    partnership = Partnership.objects.filter(pk=partnership_id).first()
    lead = get_user_model().objects.filter(pk=lead_id).first()
    if partnership is None or lead is None:
        return "gone"
    return digests.digest_send(partnership=partnership, lead=lead, on=date.fromisoformat(on))

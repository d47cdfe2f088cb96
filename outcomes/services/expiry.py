"""Checked imports nobody confirmed: after IMPORT_PREVIEW_TTL_HOURS a preview ("Ready to
confirm") expires. It can no longer be applied, the periodic task
(`cdp.tasks.expire_import_previews`) or `manage.py expire_import_previews` marks it not
imported, and its stored file is deleted. The plan imports' expiry uses the same rule
(`actionplans.services.plan_import_expiry`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnerships import files

from ..models import ImportBatch


def preview_ttl() -> timedelta:
    return timedelta(hours=settings.IMPORT_PREVIEW_TTL_HOURS)


def preview_expires_at(created_at: datetime) -> datetime:
    return created_at + preview_ttl()


def is_expired(created_at: datetime, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= preview_expires_at(created_at)


def expired_message() -> str:
    hours = settings.IMPORT_PREVIEW_TTL_HOURS
    return (
        f"This import has expired: it was not confirmed within {hours} "
        f"hour{'s' if hours != 1 else ''} of being checked. Nothing was imported. "
        "Upload the file again to check it afresh."
    )


def refuse_if_expired(created_at: datetime) -> None:
    """Raises ValidationError (`expired_message`) for a preview past its time."""
    if is_expired(created_at):
        raise ValidationError(expired_message())


def import_previews_expire(*, now: datetime | None = None) -> int:
    """Expires the observation imports' previews (`previews_expire`)."""
    return previews_expire(ImportBatch, now=now)


def previews_expire(model, *, now: datetime | None = None) -> int:
    """Marks every preview of `model` (an import with PREVIEW and CANCELLED statuses and a
    stored file: ImportBatch, actionplans' PlanImport) older than the time allowed
    "Cancelled", saying why, and deletes its stored file. Returns how many expired. Safe to
    run twice, or beside a user applying one: each is claimed by a conditional update before
    its file goes."""
    now = now or timezone.now()
    cutoff = now - preview_ttl()
    expired = 0
    stale = model.objects.filter(status=model.Status.PREVIEW, created_at__lte=cutoff)
    for pk, stored in stale.values_list("pk", "stored_file").iterator():
        claimed = model.objects.filter(pk=pk, status=model.Status.PREVIEW).update(
            status=model.Status.CANCELLED,
            finished_at=now,
            stored_file="",
            failure=f"Expired: not confirmed within {settings.IMPORT_PREVIEW_TTL_HOURS} hours.",
        )
        if claimed:
            files.delete(stored)
            expired += 1
    return expired

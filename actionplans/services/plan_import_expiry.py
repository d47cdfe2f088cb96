"""Plan imports nobody confirmed expire like observation imports (`outcomes.services.expiry`):
after IMPORT_PREVIEW_TTL_HOURS they are dropped and their stored file is deleted."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from outcomes.services.expiry import preview_ttl
from partnerships import files

from ..models import PlanImport


def plan_import_previews_expire(*, now: datetime | None = None) -> int:
    """Marks every plan import still waiting past the time allowed "Not imported", saying
    why, and deletes its stored file. Returns how many expired."""
    now = now or timezone.now()
    cutoff = now - preview_ttl()
    expired = 0
    stale = PlanImport.objects.filter(status=PlanImport.Status.PREVIEW, created_at__lte=cutoff)
    for pk, stored in stale.values_list("pk", "stored_file").iterator():
        claimed = PlanImport.objects.filter(pk=pk, status=PlanImport.Status.PREVIEW).update(
            status=PlanImport.Status.CANCELLED,
            finished_at=now,
            stored_file="",
            failure=f"Expired: not confirmed within {settings.IMPORT_PREVIEW_TTL_HOURS} hours.",
        )
        if claimed:
            files.delete(stored)
            expired += 1
    return expired

"""Plan imports nobody confirmed expire like observation imports (`outcomes.services.expiry`):
after IMPORT_PREVIEW_TTL_HOURS they are dropped and their stored file is deleted."""

from __future__ import annotations

from datetime import datetime

from outcomes.services.expiry import previews_expire

from ..models import PlanImport


def plan_import_previews_expire(*, now: datetime | None = None) -> int:
    """Marks every plan import still waiting past the time allowed "Not imported", saying
    why, and deletes its stored file. Returns how many expired."""
    return previews_expire(PlanImport, now=now)

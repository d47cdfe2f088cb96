"""Reads of the outcomes app."""

from datetime import datetime

from .models import SummaryRun


def summary_run_last_finished_at() -> datetime | None:
    """When the most recent successful summary recompute finished, or None if none has."""
    return (
        SummaryRun.objects.filter(status=SummaryRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )

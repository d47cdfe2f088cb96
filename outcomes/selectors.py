"""Reads of the outcomes app."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from .models import ImportBatch, ImportRowProblem, Metric, SummaryRun


def summary_run_last_finished_at() -> datetime | None:
    """When the most recent successful summary recompute finished, or None if none has."""
    return (
        SummaryRun.objects.filter(status=SummaryRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def import_batch_list(*, partnership, user) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.for_user(user, "load_data")
        .filter(partnership=partnership)
        .select_related("created_by")
        .order_by("-created_at")
    )


def import_problems(*, batch: ImportBatch, limit: int = 200) -> list[ImportRowProblem]:
    return list(batch.problems.order_by("line")[:limit])


def metrics_for_entry(*, partnership, user) -> QuerySet[Metric]:
    """National metrics and the partnership's own local ones, for a form's choices."""
    return (
        Metric.objects.for_user(user)
        .filter(Q(owner__isnull=True) | Q(owner=partnership))
        .order_by("tier", "order", "name")
    )
